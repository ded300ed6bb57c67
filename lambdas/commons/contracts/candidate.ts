/**
 * What a sweep hands to a case: the verdict on each user, and the candidate (a reference to a user
 * or one of its credentials) that travels from the sweep through every state of the case.
 */
import * as v from 'valibot';
import { nonEmpty } from '../runtime/validate';

/** What the sweep says of each user: `inactive` opens a case about the user. */
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

/** A case is about a whole user, or about one stale credential of an active user. */
export const CASE_KINDS = ['user', 'credential'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

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
