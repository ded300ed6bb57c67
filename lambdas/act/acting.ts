import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ActOutput } from '../commons/case-state';
import type { CaseRecord } from '../commons/case/record';
import { userEventsSince } from '../commons/cloudtrail/lookup';
import { SerialLimiter, LOOKUP_GAP_MS } from '../commons/cloudtrail/rate-limiter';
import { whoTagged } from '../commons/cloudtrail/who-tagged';
import type { JanitorConfig } from '../commons/config/config';
import type { DecisionRecord } from '../commons/contracts/decision';
import { denyAllPolicyArn } from '../commons/iam/tags';
import { locateUser } from '../commons/iam/user-by-id';
import { iamClientFor } from '../commons/runtime/clients';
import { memberOf } from '../commons/runtime/member-role';
import { quarantineStore } from '../commons/case/stores';
import { trailAccess } from '../commons/cloudtrail/access';
import { clock } from '../commons/runtime/clock';
import { errorName, QuarantineChangedError, UserChangedError } from '../commons/runtime/errors';
import { metrics, MetricName } from '../commons/runtime/observability';
import { decidersOf } from './approvers';
import type { TaggingLookup } from './protection';
import { quarantineUser, releaseUser } from './quarantine';
import { act } from './act';
import { actOnCredential } from './credential';
import { credentialIdsOf, type CaseExpectations, type Deciders } from './recheck';
import { type Snapshot } from '../commons/iam/snapshot';

/**
 * The three ASL states the Act Lambda serves, one plain function each: `Act` (the approvers'
 * decision), `CompleteDeletion` (the quarantine ended in silence) and `ActAfterTrip` (Release or
 * Delete now). The handler reads the case, applies the rules every state shares and records what
 * a run did; these say what each state does.
 */

/** What every state is carried out with: the case, its account's config and role, and the deciders. */
export interface Acting {
  readonly record: CaseRecord;
  readonly config: JanitorConfig;
  readonly member: ReturnType<typeof memberOf>;
  readonly iam: ReturnType<typeof iamClientFor>;
  readonly deciders: Deciders;
  /** The release this state carries out, if any (releaseChoice in approvers.ts). */
  readonly release?: DecisionRecord;
  snapshotSaved: boolean;
  readonly saveSnapshot: (snapshot: Snapshot) => Promise<void>;
  readonly onStep: NonNullable<Parameters<typeof act>[0]['onStep']>;
}

export type Carried = Omit<ActOutput, 'snapshotSaved'>;

/**
 * `Act`: the approvers' decision. A credential case's Deactivate or Keep; a user case's Delete
 * quarantines first when quarantineDays is above 0 (but in a dry run, whose plan says it would).
 */
export async function actOnDecision(acting: Acting, decision: DecisionRecord): Promise<Carried> {
  const { record, config } = acting;
  if (record.candidate.kind === 'credential') return actOnCredentialCase(acting, decision);
  const action = userAction(decision);
  if (action === 'delete' && config.quarantineDays > 0 && !config.dryRun) {
    const { outcome, planned, done } = await quarantineUser({
      ...removalInput(acting, expectationsOf(record)),
      days: config.quarantineDays,
      start: (quarantine) => quarantineStore().start(record.caseId, quarantine),
      applied: () => quarantineStore().markApplied(record.caseId, clock.now().toISOString()),
    });
    return { outcome, planned, done };
  }
  return removeUser(acting, action, expectationsOf(record), record.removed ?? []);
}

/**
 * `CompleteDeletion`: the watch ended in silence. The user must still be as it was quarantined; a
 * release asked for during the watch wins over the deletion.
 */
export async function completeDeletion(acting: Acting, decision: DecisionRecord): Promise<Carried> {
  const { record } = acting;
  if (acting.release) return releaseQuarantine(acting, acting.release);
  const action = userAction(decision);
  const quarantine =
    record.quarantine && record.snapshot
      ? { quarantine: { before: record.snapshot, policyArn: record.quarantine.policyArn } }
      : {};
  return removeUser(acting, action, { ...expectationsOf(record), ...quarantine }, []);
}

/**
 * `ActAfterTrip`: Release or Delete now. The approvers saw the attempts, so use does not stop
 * Delete now.
 */
export async function actAfterTrip(acting: Acting, choice: DecisionRecord): Promise<Carried> {
  // The workflow has the choice: its receipt, whatever became of the Slack request's stamp.
  await quarantineStore().recordChoiceReceived(acting.record.caseId, choice, clock.now().toISOString());
  if (acting.release) return releaseQuarantine(acting, acting.release);
  const action = userAction(choice);
  return removeUser(acting, action, { ...expectationsOf(acting.record), useApproved: true }, []);
}

type UserAction = Parameters<typeof act>[0]['action'];

/** What a user case does with the decision: Delete, Disable or Keep; Release only ends a quarantine. */
function userAction({ decision }: DecisionRecord): UserAction {
  if (decision === 'deactivate')
    throw new Error('Deactivate is a credential case decision; a user case takes Delete, Disable or Keep');
  if (decision === 'release')
    throw new Error('Release ends a quarantine, and this case holds none; nothing was changed.');
  return decision;
}

/** Takes the quarantine's deny and tags off; the one who releases is checked against the live user. */
async function releaseQuarantine(acting: Acting, release: DecisionRecord): Promise<Carried> {
  const { record, config } = acting;
  if (!record.quarantine)
    throw new Error('Release ends a quarantine, and this case holds none; nothing was changed.');
  const { outcome, planned, done } = await releaseUser({
    ...acting,
    ...record,
    quarantine: record.quarantine,
    deciders: decidersOf(config, release),
  }).catch((error: unknown) => recordGone(record, error));
  await quarantineStore().recordRelease(record.caseId, release.decidedBy, clock.now().toISOString());
  return { outcome, planned, done };
}

/** A release finding no user with the case's id: recorded as gone (not released), ending aborted-changed. */
async function recordGone(record: CaseRecord, error: unknown): Promise<never> {
  if (errorName(error) !== 'UnknownUserError') throw error;
  await quarantineStore().recordUserGone(record.caseId, clock.now().toISOString());
  throw new UserChangedError(
    `no IAM user holds ${record.userName}'s id ${record.userId} any more (deleted, or another user created under the name): nothing was left to release, and nothing was changed`,
    { cause: error },
  );
}

/** What a change of the user is checked and carried out with. */
function removalInput(acting: Acting, expected: CaseExpectations) {
  return {
    iam: acting.iam,
    userName: acting.record.userName,
    policy: acting.config,
    expected,
    deciders: acting.deciders,
    trailUseSince: trailUseFor(acting.config, acting.member),
    now: clock.now(),
    saveSnapshot: acting.saveSnapshot,
    onStep: acting.onStep,
  };
}

/**
 * Delete, Disable or Keep, after every re-check against `expected`. `doneBefore` is what a retry
 * that finds the user already deleted reports as done: what this state's earlier run recorded.
 */
async function removeUser(
  acting: Acting,
  action: UserAction,
  expected: CaseExpectations,
  doneBefore: string[],
): Promise<Carried> {
  const { record, config } = acting;
  try {
    const result = await act({
      ...removalInput(acting, expected),
      action,
      dryRun: config.dryRun,
      // An interrupted deletion's own snapshot remembers the MFA devices it deactivated.
      previousSnapshot: record.deletionSnapshot ?? record.snapshot,
      previousSteps: record.removed ?? [],
    });
    // A dry run's plan says the quarantine that a real Delete would begin with.
    if (result.outcome === 'dry-run' && action === 'delete' && config.quarantineDays > 0)
      return {
        ...result,
        planned: [
          `quarantine for ${config.quarantineDays} days first (attach ${denyAllPolicyArn(record.arn)}, tag its start and end, watch daily; any attempt stops the deletion)`,
          ...result.planned,
        ],
      };
    return result;
  } catch (error) {
    // The name is gone: a retry that finished the deletion before, or an admin's rename. IAM
    // knows the user by its id, so it is looked up by it before the case says it was deleted.
    if (errorName(error) === 'UnknownUserError' && action === 'delete' && record.snapshot) {
      await refuseRenamed(acting);
      return { outcome: 'deleted', planned: [], done: doneBefore };
    }
    if (errorName(error) === 'UserChangedError') await noteChange(acting, error);
    metrics.addMetric(MetricName.RemovalFailures, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    throw error;
  }
}

/**
 * A refused deletion of a user that changed: renamed (refuseRenamed says so), or its deny found
 * off by the re-check, which the record then holds so that no text says the user is denied.
 */
async function noteChange(acting: Acting, error: unknown): Promise<void> {
  await refuseRenamed(acting);
  if (error instanceof QuarantineChangedError && error.denyOff && acting.record.quarantine)
    await quarantineStore().noteBreach(acting.record.caseId, {
      kind: 'deny-detached',
      detail: `${acting.record.quarantine.policyArn} was no longer attached to the user when the deletion looked`,
    });
}

/**
 * A user renamed since the case read it (UpdateUser keeps the id, the credentials and a quarantine's
 * deny) is not deleted under its new name: the approvers decided on the user as they saw it. The
 * case ends aborted-changed, and its record names the new name, where the quarantine still holds.
 */
async function refuseRenamed({ record, iam }: Acting): Promise<void> {
  const where = await locateUser(iam, record.userName, record.userId);
  if (where.state !== 'renamed') return;
  if (record.quarantine) await quarantineStore().noteRenamed(record.caseId, where.userName);
  throw new UserChangedError(
    `${record.userName} was renamed ${where.userName} (the same IAM user ${record.userId}) after the decision; nothing was deleted.`,
  );
}

async function actOnCredentialCase(acting: Acting, decision: DecisionRecord): Promise<Carried> {
  const { record, config } = acting;
  if (decision.decision !== 'deactivate' && decision.decision !== 'keep')
    throw new Error(`A credential case takes Deactivate or Keep, not ${decision.decision}`);
  if (!record.credentialId)
    throw new Error(`Case ${record.caseId} names no credential: its context was never gathered`);
  return actOnCredential({
    iam: acting.iam,
    action: decision.decision,
    userName: record.userName,
    userId: record.userId,
    credentialId: record.credentialId,
    lastUsed: record.candidate.lastActivity,
    openedAt: record.openedAt,
    policy: config,
    deciders: acting.deciders,
    dryRun: config.dryRun,
    now: clock.now(),
    saveSnapshot: acting.saveSnapshot,
    onStep: acting.onStep,
  });
}

/** What the case saw of the user, which the live user must still match before anything changes. */
function expectationsOf(record: CaseRecord): CaseExpectations {
  const evidence = record.context?.iam;
  return {
    userId: record.userId,
    openedAt: record.openedAt,
    lastActivity: record.candidate.lastActivity,
    knownCredentialIds: evidence ? credentialIdsOf(evidence) : undefined,
    consoleAccess: evidence?.consoleAccess,
    useApproved: record.candidate.requested !== undefined,
  };
}

/** The remover's own pacing of its few lookups; the context Lambda's limiter lives in another container. */
const trailLimiter = new SerialLimiter(LOOKUP_GAP_MS);

/** Who put a tag on a user, in the case's own account. */
export const taggingFor =
  (member: ReturnType<typeof memberOf>): TaggingLookup =>
  (input) =>
    whoTagged(input, trailAccess(member, trailLimiter), clock.now());

/** The last CloudTrail event of a user since a date, in the case's own account and regions. */
function trailUseFor(config: JanitorConfig, member: ReturnType<typeof memberOf>) {
  const eventsSince = userEventsSince(config, trailAccess(member, trailLimiter));
  return async (userName: string, since: Date) =>
    (await eventsSince(userName, since, clock.now())).lastEvent?.eventTime;
}
