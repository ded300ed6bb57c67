/**
 * Named errors. The state machines match them by name in Retry and Catch, so a name is a contract:
 * rename one only together with statemachine/*.asl.json.
 */

/** The user used a credential after the case was opened: removing them now would break live work. */
export class UserBecameActiveError extends Error {
  override name = 'UserBecameActiveError';
}

/**
 * The user is not the one the approver saw: the name now belongs to another IAM user id (deleted
 * and created again), or a credential was issued after the case opened. Nothing may change.
 */
export class UserChangedError extends Error {
  override name = 'UserChangedError';
}

/** The user changed during its quarantine; `denyOff`: its deny is no longer on it. Same name, same ASL path. */
export class QuarantineChangedError extends UserChangedError {
  constructor(
    message: string,
    readonly denyOff: boolean,
  ) {
    super(message);
  }
}

/**
 * The user carries the protected tag, an exempt name or an exempt path: nothing may change them.
 * `tagKey`: the protected tag's key as the user carries it, when the tag is the reason.
 */
export class ProtectedUserError extends Error {
  override name = 'ProtectedUserError';

  constructor(
    message: string,
    readonly tagKey?: string,
  ) {
    super(message);
  }
}

/**
 * The user's identity tag, read live right before the change, names one of the people who decided:
 * nobody decides about themselves, even when the tag was added while the case waited.
 */
export class SelfDecisionError extends Error {
  override name = 'SelfDecisionError';
}

/** An irreversible decision with one approver under twoPersonDelete: nothing may change. */
export class TwoPersonRuleError extends Error {
  override name = 'TwoPersonRuleError';
}

/** Organization mode: the case's account is excluded, suspended or the management account. */
export class AccountOutOfScopeError extends Error {
  override name = 'AccountOutOfScopeError';
}

/**
 * The guards' refusals: a decision iam-janitor must not carry out, refused as designed. The case
 * ends `refused`, never `failed` (statemachine/case.asl.json's Refused state): a refusal pages no
 * one (the FailedOutcome alarm counts failures, and refusals after a change), and its message, written for people, is the
 * outcome's detail.
 */
export const REFUSAL_ERRORS = [
  'ProtectedUserError',
  'SelfDecisionError',
  'TwoPersonRuleError',
  'AccountOutOfScopeError',
] as const;

/** Another case for this user is still open: a second one would ask twice about the same person. */
export class CaseAlreadyOpenError extends Error {
  override name = 'CaseAlreadyOpenError';
}

export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
}

/** Jira answered with a server error or not at all; the state machine retries these. */
export class JiraUnavailableError extends Error {
  override name = 'JiraUnavailableError';
}

/** Slack answered with a server error or not at all; the state machine retries these. */
export class SlackUnavailableError extends Error {
  override name = 'SlackUnavailableError';
}

export class CredentialReportTimeoutError extends Error {
  override name = 'CredentialReportTimeoutError';
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** IAM's "not found", whichever name the SDK gives it; a removal step treats it as already done. */
export function isNoSuchEntity(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}
