import * as v from 'valibot';
import { nonEmpty } from './runtime/validate';

/** The sparse index of the case table that holds one marker per user with an open case. */
export const OPEN_CASES_INDEX = 'openCasesByUser';

/**
 * The index of the case table by user id: the cases of one user, to prove that a marker tag on it
 * was written by a decision (a Disable, a Keep, a quarantine) recorded here, and by whom.
 */
export const CASES_BY_USER_INDEX = 'casesByUser';

/** What that index holds of a case: enough to name the decision, never the snapshot. */
export const CASES_BY_USER_ATTRIBUTES = [
  'caseId',
  'candidate',
  'outcome',
  'decision',
  'removed',
  'quarantine',
] as const;

/** The keys of the two Secrets Manager secrets, filled by the operator with put-secret-value. */
export const SLACK_SECRET_KEYS = ['slackBotToken', 'slackSigningSecret'] as const;
export const JIRA_SECRET_KEYS = ['jiraEmail', 'jiraApiToken'] as const;

export const VERDICTS = [
  'active',
  'inactive',
  'grace',
  'exempt',
  'snoozed',
  'disabled',
  'open-case',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DECISIONS = ['delete', 'disable', 'keep', 'deactivate', 'release'] as const;
export type Decision = (typeof DECISIONS)[number];

/** A case is about a whole user, or about one stale credential of an active user. */
export const CASE_KINDS = ['user', 'credential'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The decisions each kind of case takes: a credential case never deletes or disables a user. */
export const DECISIONS_FOR: Record<CaseKind, readonly Decision[]> = {
  user: ['delete', 'disable', 'keep'],
  credential: ['deactivate', 'keep'],
};

/**
 * What a quarantine that tripped takes: Release (the deny and the tags removed, the user kept) or
 * Delete now. Nothing else, and only then.
 */
export const AFTER_TRIP_DECISIONS: readonly Decision[] = ['release', 'delete'];

/**
 * The decisions that cannot be fully undone, which `twoPersonDelete` puts to a second approver:
 * Delete (a restored user has a new id, and no secret of a deleted key or password comes back),
 * Disable (IAM cannot deactivate a console password: it is deleted, and a restore sets a new one),
 * and Deactivate of a console password (deleted, likewise). Keep and Deactivate of an access key
 * are undone by a click or one API call.
 */
export function isIrreversible(
  decision: Decision,
  credential?: { readonly kind: 'password' | 'access-key' },
): boolean {
  if (decision === 'delete' || decision === 'disable') return true;
  return decision === 'deactivate' && credential?.kind === 'password';
}

export const OUTCOMES = [
  'deleted',
  'disabled',
  'kept',
  'deactivated',
  'released',
  'quarantine-tripped',
  'expired',
  'aborted-active',
  'aborted-changed',
  'refused',
  'failed',
  'dry-run',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What the Act Lambda may answer: an outcome, or `quarantined` (a Delete that waits, denied
 * everything, for quarantineDays before the deletion runs; never a case's ending).
 */
export type ActOutcome = Outcome | 'quarantined';

export const ACTIVITY_SOURCES = ['password', 'access_key_1', 'access_key_2', 'user_creation_time'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

/**
 * The credential a credential case is about, as the credential report names it: a report row has
 * two access-key slots and no key ids, so the slot and its creation date identify the key until the
 * context step reads its id, unless the sweep read it already (two keys created in the same second).
 */
export const credentialRefSchema = v.variant('kind', [
  v.object({ kind: v.literal('password'), issuedAt: v.nullable(v.string()) }),
  v.object({
    kind: v.literal('access-key'),
    slot: v.union([v.literal(1), v.literal(2)]),
    issuedAt: v.nullable(v.string()),
    /** Set when the sweep read it (keysOfSlots): the key the case is about, whatever its date. */
    accessKeyId: v.optional(v.string()),
  }),
]);
export type CredentialRef = v.InferOutput<typeof credentialRefSchema>;

/**
 * The longest `offboard --by`: a name or login (an IAM user name's 64). It is written into the Jira
 * summary, which Jira limits to 255 characters, beside a user name and an account name.
 */
export const REQUESTER_MAX_LENGTH = 64;

/**
 * What the sweep hands to each case: a reference, never the report. Small enough that the largest
 * allowed candidate list stays far below Step Functions' 256 KB payload limit.
 */
export const candidateSchema = v.object({
  userName: nonEmpty(),
  userId: nonEmpty(),
  arn: nonEmpty(),
  reason: v.string(),
  lastActivity: v.nullable(v.string()),
  lastActivitySource: v.picklist(ACTIVITY_SOURCES),
  idleDays: v.pipe(v.number(), v.integer()),
  kind: v.optional(v.picklist(CASE_KINDS), 'user'),
  /** Only for a credential case: which credential. */
  credential: v.optional(credentialRefSchema),
  /** An offboarding: requested for a named user, active or not, rather than found by the sweep. */
  requested: v.optional(
    v.object({
      by: v.pipe(nonEmpty(), v.maxLength(REQUESTER_MAX_LENGTH)),
      at: nonEmpty(),
      reason: v.optional(v.pipe(v.string(), v.maxLength(500))),
    }),
  ),
  /** Organization mode: the member account the user lives in, and its alias (or its name in Organizations). */
  accountId: v.optional(v.pipe(v.string(), v.regex(/^\d{12}$/))),
  accountAlias: v.optional(v.string()),
  /**
   * Unique per user and credential, the execution name's stem: `<userId>` or `<userId>-key2`, with
   * `<accountId>-` in front in organization mode.
   */
  subjectId: nonEmpty(),
});
export type Candidate = v.InferOutput<typeof candidateSchema>;

/**
 * What a sweep's state carries of each case it starts: a reference, bounded by IAM's own limits
 * (a user name of 64 characters, an id of 21, an account id of 12), whatever the user's path or
 * the length of its reason. The candidate itself waits in the case table (`candidate#<caseId>`),
 * and the sweep machine reads it from there right before starting the case: 250 full candidates
 * with IAM's longest paths (512 characters) would not fit Step Functions' 256 KB.
 */
export type CaseRef = Pick<Candidate, 'userName' | 'subjectId' | 'kind'> & { readonly accountId?: string };

export function caseRefOf(candidate: Candidate): CaseRef {
  return {
    userName: candidate.userName,
    subjectId: candidate.subjectId,
    kind: candidate.kind,
    ...(candidate.accountId ? { accountId: candidate.accountId } : {}),
  };
}

/** The case id a sweep gives a candidate: the execution name `<subjectId>-<runDate>`. */
export const caseIdOf = (ref: Pick<Candidate, 'subjectId'>, runDate: string) => `${ref.subjectId}-${runDate}`;

/** The longest decision reason kept; Slack's input allows no more. */
export const MAX_REASON_LENGTH = 500;

/** What the interactions Lambda sends with SendTaskSuccess, and what the case machine acts on. */
export const decisionSchema = v.object({
  decision: v.picklist(DECISIONS),
  decidedBy: nonEmpty(),
  decidedAt: nonEmpty(),
  /** Why, in the approver's words: optional, typed in the message before clicking. */
  reason: v.optional(v.pipe(v.string(), v.maxLength(MAX_REASON_LENGTH))),
  /** With twoPersonDelete: the first approver of a Delete; decidedBy is the second. */
  firstApprover: v.optional(nonEmpty()),
  /**
   * The deciders' e-mail addresses as Slack gave them at the click (absent when Slack would not
   * say): the remover compares them with the user's identity tag, read live.
   */
  decidedByEmail: v.optional(nonEmpty()),
  firstApproverEmail: v.optional(nonEmpty()),
  /**
   * The deciders' names as Slack showed them at the click, kept for the audit trail: a Slack id
   * means nothing to an auditor, and a person may leave the workspace before the audit.
   */
  decidedByName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  firstApproverName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
});
export type DecisionRecord = v.InferOutput<typeof decisionSchema>;
