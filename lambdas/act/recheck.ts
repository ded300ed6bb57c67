import {
  QuarantineChangedError,
  SelfDecisionError,
  UserBecameActiveError,
  UserChangedError,
} from '../commons/runtime/errors';
import { identityOf, isSelf } from '../commons/slack/self-decision';
import type { Tags } from '../commons/iam/tags';
import { latestUse, type Snapshot } from '../commons/iam/snapshot';
import { deciderName, formatTime, wholeSeconds } from '../commons/runtime/text';
import { denyAttached, permissionChanges } from '../commons/case/quarantine-changes';

/** The checks between a decision and the first change: is this still the user the approver saw? */

/** What the approver saw when the case opened; the re-check compares the live user with it. */
export interface CaseExpectations {
  /** The stable id the case was opened for: the same name under another id is another person. */
  readonly userId: string;
  /** When the case opened: a credential issued after it is one the approver never saw. */
  readonly openedAt: string;
  /** The latest use the case was opened on (null: none recorded). */
  readonly lastActivity: string | null;
  /** The credential ids in the evidence, when it was gathered: any other id is new. */
  readonly knownCredentialIds?: readonly string[];
  /** Whether the evidence showed a console password. */
  readonly consoleAccess?: boolean;
  /**
   * The deciders knew the user is active (an offboarding, or Delete now after a quarantine tripped):
   * use during the wait does not stop it. Identity, protection and new credentials still do.
   */
  readonly useApproved?: boolean;
  /**
   * The deletion at the end of a silent quarantine: the user as the snapshot before it held it,
   * and the deny. A deny taken off or a permission changed since the watcher's last look stops it.
   */
  readonly quarantine?: { readonly before: Snapshot; readonly policyArn: string };
}

/** Who decided a case: the Slack ids, and the e-mails Slack gave for them (undefined: unknown). */
export interface Deciders {
  readonly identityTagKey: string;
  readonly people: readonly { readonly slackId: string; readonly email?: string }[];
}

/**
 * Nobody decides about themselves: the user's identity tag (a Slack id or an e-mail), read live,
 * must name none of the deciders. An e-mail tag with a decider whose e-mail is unknown refuses too,
 * since it cannot be ruled out. The interactions Lambda checks the tags saved when the case opened;
 * this catches a tag added while the case waited, without giving the internet-facing function any
 * IAM read.
 */
export function refuseSelfDecision(user: { userName: string; tags: Tags }, deciders: Deciders): void {
  const identity = identityOf(user.tags, deciders.identityTagKey);
  if (!identity) return;
  for (const person of deciders.people) {
    const self = isSelf(identity, person);
    if (self !== false) {
      throw new SelfDecisionError(
        self === 'unknown'
          ? `${user.userName} is tagged ${deciders.identityTagKey}=${identity}, and the e-mail of ${deciderName(person.slackId)}, who decided, is unknown, so the decision may be about themselves; nothing was changed.`
          : `${user.userName} is tagged ${deciders.identityTagKey}=${identity}: ${deciderName(person.slackId)}, who decided, is the user; nothing was changed.`,
      );
    }
  }
}

/**
 * An operator as a decider (`iam-janitor release --by NAME`): no Slack user, so NAME is their
 * e-mail when it is one, and matches no other e-mail identity.
 */
export const operatorDecider = (name: string): Deciders['people'][number] => ({
  slackId: name,
  email: name.includes('@') ? name : '',
});

/** A different user id under the same name: the person the approver decided about is gone. */
export function verifyIdentity(plan: Pick<Snapshot, 'userName' | 'userId'>, expectedUserId: string): void {
  if (plan.userId !== expectedUserId) {
    throw new UserChangedError(
      `${plan.userName} is now IAM user ${plan.userId}, not ${expectedUserId} as when the case opened: the user was deleted and created again under the same name, and the decision was about someone else.`,
    );
  }
}

/**
 * The one "activity since" rule, for a user and for one credential alike: a use is new when the
 * case was opened on no recorded use, or when it is later than that use, to the second (IAM and
 * the credential report keep no finer time).
 */
export function usedAfter(lastUsed: string | null, openedOn: string | null): boolean {
  if (lastUsed === null) return false;
  return openedOn === null || wholeSeconds(lastUsed) > wholeSeconds(openedOn);
}

/**
 * Stops when the user used a credential after the activity the case was opened on: approval can
 * take days, and a user who came back must not lose their access because of an old decision.
 */
export function recheckActivity(plan: Snapshot, openedOnActivity: string | null, openedAt?: string): void {
  const latest = latestUse(plan);
  if (latest !== null && usedAfter(latest, openedOnActivity)) {
    throw new UserBecameActiveError(
      `${plan.userName} used a credential at ${formatTime(latest)}; the case${openedAt ? `, opened at ${formatTime(openedAt)},` : ''} knew of no use ${openedOnActivity ? `after ${formatTime(openedOnActivity)}` : 'at all'}.`,
    );
  }
}

/** Every credential of the plan with its id and the date it was issued, where IAM says. */
function credentialsOf(plan: Snapshot): { label: string; id: string; issued: string | null | undefined }[] {
  return [
    ...(plan.loginProfile
      ? [{ label: 'console password', id: 'password', issued: plan.loginProfile.createDate }]
      : []),
    ...plan.accessKeys.map((key) => ({ label: `access key ${key.id}`, id: key.id, issued: key.createDate })),
    ...plan.sshPublicKeys.map((key) => ({ label: `SSH key ${key.id}`, id: key.id, issued: key.uploadDate })),
    ...plan.serviceSpecificCredentials.map((credential) => ({
      label: `${credential.serviceName} credential ${credential.id}`,
      id: credential.id,
      issued: credential.createDate,
    })),
  ];
}

/**
 * Stops when a credential appeared after the case opened: a new key or password means someone is
 * onboarding the user again, and it never had a chance to be used, so use alone cannot show it.
 */
export function recheckNewCredentials(plan: Snapshot, expected: CaseExpectations): void {
  const known = expected.knownCredentialIds ? new Set(expected.knownCredentialIds) : undefined;
  const fresh = credentialsOf(plan).filter((credential) => {
    if (credential.issued && wholeSeconds(credential.issued) > wholeSeconds(expected.openedAt)) return true;
    if (credential.id === 'password') return expected.consoleAccess === false;
    return known !== undefined && !known.has(credential.id);
  });
  if (fresh.length > 0) {
    throw new UserChangedError(
      `${plan.userName} has ${fresh.map((credential) => credential.label).join(', ')} issued since the case opened at ${formatTime(expected.openedAt)}; the approver never saw ${fresh.length === 1 ? 'it' : 'them'}.`,
    );
  }
}

/** The credential ids an evidence record lists, for `CaseExpectations.knownCredentialIds`. */
export function credentialIdsOf(facts: {
  accessKeys: { id: string }[];
  sshPublicKeys?: { id: string }[];
  serviceSpecificCredentials?: { id: string }[];
}): string[] | undefined {
  // Evidence gathered before SSH keys and service credentials were listed cannot vouch for them.
  if (!facts.sshPublicKeys || !facts.serviceSpecificCredentials) return undefined;
  return [
    ...facts.accessKeys.map((key) => key.id),
    ...facts.sshPublicKeys.map((key) => key.id),
    ...facts.serviceSpecificCredentials.map((credential) => credential.id),
  ];
}

/**
 * Stops the deletion at the end of a quarantine when the user is not as it was quarantined: its
 * deny is off (it has not been denied everything) or its permissions changed (the deletion would
 * remove what nobody reviewed). The watcher trips on both; this covers the time since its last look.
 */
export function recheckQuarantine(plan: Snapshot, expected: CaseExpectations): void {
  const quarantine = expected.quarantine;
  if (!quarantine) return;
  const changes = [
    ...(denyAttached(plan, quarantine)
      ? []
      : [`its deny policy ${quarantine.policyArn} is no longer attached`]),
    ...permissionChanges(quarantine.before, plan, quarantine).map((change) => change.detail),
  ];
  if (changes.length > 0)
    throw new QuarantineChangedError(
      `${plan.userName} changed during its quarantine (${changes.join('; ')}); nothing was deleted.`,
      !denyAttached(plan, quarantine),
    );
}
