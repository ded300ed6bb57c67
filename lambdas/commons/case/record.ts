import type { Candidate } from '../contracts/candidate';
import type { DecisionRecord } from '../contracts/decision';
import type { Outcome } from '../contracts/outcome';
import type { Snapshot } from '../iam/snapshot';
import type { CaseContext } from './evidence';
import type { CaseStatus } from './lifecycle';

/**
 * The case table. One item per case (`case#<caseId>`) holds everything the workflow learns: the
 * evidence, the ticket, the Slack message, the task token (which never leaves AWS), the decision,
 * the snapshot and the outcome. One marker per user with an open case (`open#<userName>`) makes a
 * second open case for the same user impossible, and feeds the sparse index the sweep reads.
 */

/** A place that records an attempt on a credential. */
export type AttemptSource = 'access key last used' | 'password last used' | 'CloudTrail';

/**
 * One attempt to use a quarantined user's credentials, as IAM or CloudTrail recorded it: which
 * credential (an access key id, `password`, or the user as CloudTrail names them), when, and what.
 */
export interface QuarantineAttempt {
  readonly at: string;
  readonly credential: string;
  /** Where it was seen: the key's or the password's last use in IAM, or a CloudTrail event. */
  readonly seenIn: AttemptSource;
  /**
   * The other places that recorded the same request: IAM's last use of the key or password
   * beside its CloudTrail event (one attempt, not two). Absent: seenIn alone saw it.
   */
  readonly alsoSeenIn?: readonly AttemptSource[];
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly region?: string;
  readonly sourceIPAddress?: string;
  /** CloudTrail's error code: AccessDenied for a request the deny policy refused. */
  readonly errorCode?: string;
}

/**
 * What else than an attempt trips a quarantine: the deny was taken off (`deny-detached`), the
 * user's permissions changed (`permissions-changed`: groups, managed or inline policies, boundary),
 * or a place an attempt could be recorded could not be read (`not-watched`: a region that became
 * unreadable, a read the cap cut short). Each stops the deletion and asks the approvers.
 */
export interface QuarantineBreach {
  readonly kind: 'deny-detached' | 'permissions-changed' | 'not-watched';
  /** In a person's words: what changed or could not be read, and who changed it when CloudTrail says. */
  readonly detail: string;
  /** When CloudTrail dates the change; absent when it does not (yet) show it. */
  readonly at?: string;
  /** Who made the change, as CloudTrail's userIdentity names them (an ARN). */
  readonly by?: string;
  /** A deny taken off and put back before the watch: attached now, off for a time in between. */
  readonly putBack?: boolean;
}

/** A Delete's quarantine: the user denied everything, watched daily, deleted only after silence. */
export interface QuarantineRecord {
  readonly startedAt: string;
  readonly endsAt: string;
  /** The deny policy attached (AWSDenyAll, in the user's partition). */
  readonly policyArn: string;
  /** False when the user already had that policy before the quarantine: a release leaves it. */
  readonly attachedByJanitor: boolean;
  readonly attempts: QuarantineAttempt[];
  /** What tripped it besides attempts (see QuarantineBreach); absent or empty: attempts alone. */
  readonly breaches?: QuarantineBreach[];
  /**
   * Every region a watch read CloudTrail in for this user: a later watch reads them all again, so
   * that a region disabled after an attempt there is a blind spot that trips, never a silence.
   */
  readonly watchedRegions?: string[];
  /** When the deny policy and the tags were in place: absent, the quarantine did not complete. */
  readonly appliedAt?: string;
  readonly lastCheckedAt?: string;
  readonly trippedAt?: string;
  /**
   * The thread message that showed the attempts, with Release and Delete now, and its channel: a
   * click on any other message casts nothing on this ballot.
   */
  readonly tripMessageTs?: string;
  readonly tripMessageChannel?: string;
  /**
   * How the watch ended when nothing tripped it: in silence (handed to the deletion) or with the
   * user changed. Written once, before the case is resumed; no release is written after it.
   */
  readonly verdict?: 'silent' | 'changed';
  /** The user's name when the watch found it renamed (the same user id under another name). */
  readonly renamedTo?: string;
  /** After a trip (or asked for during the watch): Release or Delete now (first wins). */
  readonly decision?: DecisionRecord;
  /** When the waiting workflow took that choice; without it, nothing has carried it out. */
  readonly decisionDeliveredAt?: string;
  readonly releasedAt?: string;
  readonly releasedBy?: string;
  /**
   * When the ticket was told of a release made after the case closed (`iam-janitor release`): its
   * closing comment said the user stays quarantined. Written once the comment is in, so a release
   * run again comments only when the first one could not.
   */
  readonly releaseCommentedAt?: string;
  /**
   * The release run that is commenting on the ticket (`by`, `at`, and its own `token`), written
   * before it asks Jira and only while no other holds it: two runs at once comment once. Taken back
   * when Jira refuses; one older than ten minutes whose run never finished may be taken over.
   */
  readonly releaseCommentClaim?: { readonly by: string; readonly at: string; readonly token: string };
  /** When a release found no user with the case's id under any name: nothing was left to release. */
  readonly userGoneAt?: string;
}

export interface CaseRecord {
  readonly pk: string;
  readonly caseId: string;
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  readonly candidate: Candidate;
  readonly executionArn: string;
  readonly openedAt: string;
  readonly status: CaseStatus;
  readonly context?: CaseContext;
  /** For a credential case: the access key id, or `password`, as the context step resolved it. */
  readonly credentialId?: string;
  readonly jiraKey?: string;
  readonly jiraUrl?: string;
  /**
   * Set just before OpenTicket asks Jira to create the ticket: a later attempt that finds it and no
   * jiraKey knows a ticket may exist that Jira's search does not show yet.
   */
  readonly ticketRequestedAt?: string;
  readonly slackChannel?: string;
  readonly slackTs?: string;
  readonly taskToken?: string;
  readonly decision?: DecisionRecord;
  /** With twoPersonDelete: the first Delete click, waiting for a second approver. */
  readonly firstApproval?: DecisionRecord;
  /** When SendTaskSuccess took the decision; a decision without it never reached the workflow. */
  readonly decisionDeliveredAt?: string;
  /** The user before the first change: before the quarantine, for a Delete that begins with one. */
  readonly snapshot?: Snapshot;
  readonly snapshotSavedAt?: string;
  /**
   * After a quarantine: the user read again right before its deletion (at the end of the wait, or
   * on Delete now), without the quarantine's own deny and tags. A group, policy or tag someone
   * added during the wait is in it, and restore recreates the user from it. Written once.
   */
  readonly deletionSnapshot?: Snapshot;
  readonly deletionSnapshotSavedAt?: string;
  readonly quarantine?: QuarantineRecord;
  readonly removed?: string[];
  /**
   * The changes of a run that then failed (also in `removed`): the case did not end with nothing
   * changed, and a quarantine whose deny that run detached no longer holds.
   */
  readonly interruptedSteps?: string[];
  /** The steps the remover planned: what a dry run would have done. */
  readonly planned?: string[];
  readonly outcome?: Outcome;
  readonly outcomeDetail?: string;
  readonly closedAt?: string;
  readonly lastReminderAt?: string;
  readonly reminders?: number;
}

/** A decision of a dry run, kept so that the next dry-run sweep does not ask again. */
export interface DryRunMemory {
  readonly decision: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** A Keep's end; any other decision holds for as long as the dry run lasts. */
  readonly until?: string;
}

/** The latest sweep, as the weekly summary and `acknowledge-guard` read it. */
export interface SweepRecord {
  readonly sweepId: string;
  readonly finishedAt: string;
  readonly usersScanned: number;
  readonly casesStarted: number;
  readonly backlog: number;
  readonly staleCredentials: number;
  readonly halted: boolean;
  readonly haltReason?: string;
  /** Every candidate the guard counted, opened or not: what an acknowledgement must cover. */
  readonly candidateCount: number;
  /**
   * Organization mode: the accounts whose inventory failed, and those their own guard halted; at
   * most 20 named (the first by account id), the counts count them all (absent before they were kept).
   */
  readonly failedAccounts?: string[];
  readonly failedAccountCount?: number;
  readonly haltedAccounts?: string[];
  readonly haltedAccountCount?: number;
}

export interface OpenCase {
  readonly userName: string;
  /** Absent on a marker an earlier version wrote by name. */
  readonly userId?: string;
  readonly accountId?: string;
  readonly caseId: string;
  readonly openedAt: string;
}

/** Who won a conditional write, and, for the others, the case as it now stands. */
export type Claim = { won: true } | { won: false; existing?: CaseRecord };

/** Who an open marker is for: a user name, within its member account in organization mode. */
export type CaseSubject = Pick<Candidate, 'userName' | 'userId' | 'accountId'>;

/**
 * The guard's scope: the whole deployment (the account in account mode, the organization as a
 * whole in organization mode), or one member account. Each has its own sweep record and its own
 * acknowledgement.
 */
export type GuardScope = { accountId: string } | undefined;

export const caseKey = (caseId: string) => `case#${caseId}`;
export const scoped = (base: string, scope: GuardScope) =>
  scope === undefined ? base : `${base}#${scope.accountId}`;
/**
 * The user's open marker, by its IAM user id: a rename keeps it (the renamed user is the same user,
 * quarantine and all), and a new user under an old name is someone else, with a case of its own.
 */
export const openKey = ({ userId, accountId }: CaseSubject) =>
  accountId === undefined ? `open#id#${userId}` : `open#${accountId}#id#${userId}`;
/** The marker by name that deployments before the id wrote: still honoured, and freed, until it ends. */
export const legacyOpenKey = ({ userName, accountId }: CaseSubject) =>
  accountId === undefined ? `open#${userName}` : `open#${accountId}#${userName}`;
export const stashKey = (sweepId: string, accountId: string) => `sweep#${sweepId}#account#${accountId}`;
export const dryRunKey = (subjectId: string) => `dryrun#${subjectId}`;
/** Where a started case's candidate waits for the sweep machine (statemachine/*sweep.asl.json reads it). */
export const caseCandidateKey = (caseId: string) => `candidate#${caseId}`;
