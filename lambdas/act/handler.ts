import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as v from 'valibot';
import type { ActOutput } from '../commons/case-state';
import { refuseOutOfScope } from '../commons/iam/account-scope';
import { caseStore, quarantineStore } from '../commons/case/stores';
import { iamClientFor, organizationsClient } from '../commons/runtime/clients';
import { memberOf } from '../commons/runtime/member-role';
import { trailAccess } from '../commons/cloudtrail/access';
import { configForAccount, type JanitorConfig } from '../commons/config/config';
import type { CaseRecord } from '../commons/case/record';
import { userEventsSince } from '../commons/cloudtrail/lookup';
import { whoTagged } from '../commons/cloudtrail/who-tagged';
import { decisionSchema, type DecisionRecord } from '../commons/contracts/decision';
import { janitorConfig } from '../commons/config/env';
import { clock } from '../commons/runtime/clock';
import { errorName, QuarantineChangedError, UserChangedError } from '../commons/runtime/errors';
import { locateUser } from '../commons/iam/user-by-id';
import { taskHandler } from '../commons/runtime/handler';
import { metrics, MetricName } from '../commons/runtime/observability';
import { SerialLimiter, LOOKUP_GAP_MS } from '../commons/cloudtrail/rate-limiter';
import { act } from './act';
import { actOnCredential } from './credential';
import { credentialIdsOf, type CaseExpectations, type Deciders } from './recheck';
import { type Snapshot } from '../commons/iam/snapshot';
import { nonEmpty } from '../commons/runtime/validate';
import { quarantineUser, releaseUser, withoutQuarantineMarks } from './quarantine';
import { decidersOf, releaseChoice, requireTwoApprovers, type ActStep } from './approvers';
import { denyAllPolicyArn } from '../commons/iam/tags';
import { explainProtection, type TaggingLookup } from './protection';

/** The remover's own pacing of its few lookups; the context Lambda's limiter lives in another container. */
const trailLimiter = new SerialLimiter(LOOKUP_GAP_MS);

/**
 * Which decision this Task carries out: the approvers' (a Delete quarantines first when
 * quarantineDays is above 0), the deletion once a quarantine ended in silence, or Release or
 * Delete now after a quarantine tripped.
 */
export const ACT_STEPS = ['decision', 'quarantine-over', 'after-trip'] as const satisfies readonly ActStep[];

const eventSchema = v.object({
  caseId: nonEmpty(),
  decision: decisionSchema,
  step: v.optional(v.picklist(ACT_STEPS), 'decision'),
});

/** Acts on an approver's decision. Every change is preceded by a snapshot stored in the case record. */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, decision, step }, log): Promise<ActOutput> => {
    const store = caseStore();
    const record = await store.require(caseId);
    const config = configForAccount(janitorConfig(), record.candidate.accountId);
    const releasing = releaseChoice(record, decision, step) !== undefined;
    // Organization mode: the account may have been excluded or suspended while the case waited.
    // A release only takes off iam-janitor's own quarantine, so an account excluded during the
    // wait still gets it: excluding it must not leave a user denied everything there.
    if (record.candidate.accountId !== undefined)
      await refuseOutOfScope(
        organizationsClient(),
        record.candidate.accountId,
        releasing ? { excludeAccountIds: [], excludeOrganizationalUnitIds: [] } : config,
      );
    // Organization mode: the remover role of the case's own account, and of no other.
    const member = memberOf(record.candidate, 'remover', config);
    log.appendKeys({ userName: record.userName, ...(member ? { accountId: member.accountId } : {}) });
    // The approvers' decision is the one the two-person rule weighs; Release or Delete now follows it.
    const approved = step === 'decision' ? decision : record.decision;
    // Each step's changes follow the earlier ones (a quarantine's, then the deletion's) in the record.
    const earlier = step === 'decision' ? [] : (record.removed ?? []);
    const doneNow: string[] = [];
    if (!approved) throw new Error(`Case ${caseId} holds no approved decision; nothing was changed.`);
    // The rule guards irreversible changes; a release undoes iam-janitor's own, so it needs one approver.
    if (!releasing) requireTwoApprovers(config, record, approved);
    const acting: Acting = {
      record,
      config,
      member,
      iam: iamClientFor(member),
      deciders: decidersOf(config, approved, step === 'after-trip' ? decision : undefined),
      snapshotSaved: Boolean(record.snapshot),
      saveSnapshot: async (snapshot: Snapshot) => {
        // A retry after a crash keeps the first, complete snapshot rather than a partial one.
        await saveSnapshotOf(store, record, step, snapshot);
        acting.snapshotSaved = true;
      },
      onStep: (done, status) => {
        doneNow.push(done.description);
        log.info('step', { step: done.description, status });
      },
    };
    let result;
    try {
      result = await carryOut(acting, decision, step);
    } catch (error) {
      // What a failing run changed is recorded before it fails: the record never says "nothing changed".
      if (doneNow.length > 0)
        await store.recordInterrupted(caseId, { removed: [...earlier, ...doneNow], interrupted: doneNow });
      throw await explainProtection(error, record, taggingFor(member));
    }
    await store.recordRemoval(caseId, { removed: [...earlier, ...result.done], planned: result.planned });
    return { ...result, snapshotSaved: acting.snapshotSaved };
  },
);

/**
 * The snapshot before the first change of this run. The one before the quarantine cannot hold
 * what was added to the user during it, so the deletion that follows one (at its end or on Delete
 * now) stores a fresh one beside it, which restore reads, and leaves the first as it was.
 */
function saveSnapshotOf(
  store: ReturnType<typeof caseStore>,
  record: CaseRecord,
  step: (typeof ACT_STEPS)[number],
  snapshot: Snapshot,
): Promise<boolean> {
  const at = clock.now().toISOString();
  if (step === 'decision' || !record.quarantine) return store.saveSnapshot(record.caseId, snapshot, at);
  return store.saveDeletionSnapshot(record.caseId, withoutQuarantineMarks(snapshot, record.quarantine), at);
}

/** What every decision is carried out with: the case, its account's config and role, and the deciders. */
interface Acting {
  readonly record: CaseRecord;
  readonly config: JanitorConfig;
  readonly member: ReturnType<typeof memberOf>;
  readonly iam: ReturnType<typeof iamClientFor>;
  readonly deciders: Deciders;
  snapshotSaved: boolean;
  readonly saveSnapshot: (snapshot: Snapshot) => Promise<void>;
  readonly onStep: NonNullable<Parameters<typeof act>[0]['onStep']>;
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

async function carryOut(
  acting: Acting,
  decision: DecisionRecord,
  step: (typeof ACT_STEPS)[number],
): Promise<Omit<ActOutput, 'snapshotSaved'>> {
  const { record, config } = acting;
  if (record.candidate.kind === 'credential') return actOnCredentialCase(acting, decision);
  if (decision.decision === 'deactivate')
    throw new Error('Deactivate is a credential case decision; a user case takes Delete, Disable or Keep');
  const release = releaseChoice(record, decision, step);
  if (decision.decision === 'release' || release) {
    if (!release || !record.quarantine)
      throw new Error('Release ends a quarantine, and this case holds none; nothing was changed.');
    // The one who releases is checked against the live user, as every decider of a Delete is.
    const { outcome, planned, done } = await releaseUser({
      ...acting,
      ...record,
      quarantine: record.quarantine,
      deciders: decidersOf(config, release),
    }).catch((error: unknown) => recordGone(record, error));
    await quarantineStore().recordRelease(record.caseId, release.decidedBy, clock.now().toISOString());
    return { outcome, planned, done };
  }
  const input = {
    iam: acting.iam,
    userName: record.userName,
    policy: config,
    expected: deletionExpectations(record, step),
    deciders: acting.deciders,
    trailUseSince: trailUseFor(config, acting.member),
    now: clock.now(),
    saveSnapshot: acting.saveSnapshot,
    onStep: acting.onStep,
  };
  if (step === 'decision' && decision.decision === 'delete' && config.quarantineDays > 0 && !config.dryRun) {
    const { outcome, planned, done } = await quarantineUser({
      ...input,
      days: config.quarantineDays,
      start: (quarantine) => quarantineStore().start(record.caseId, quarantine),
      applied: () => quarantineStore().markApplied(record.caseId, clock.now().toISOString()),
    });
    return { outcome, planned, done };
  }
  try {
    const result = await act({
      ...input,
      action: decision.decision,
      dryRun: config.dryRun,
      // An interrupted deletion's own snapshot remembers the MFA devices it deactivated.
      previousSnapshot: record.deletionSnapshot ?? record.snapshot,
      previousSteps: record.removed ?? [],
    });
    // A dry run's plan says the quarantine that a real Delete would begin with.
    if (result.outcome === 'dry-run' && decision.decision === 'delete' && config.quarantineDays > 0)
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
    if (errorName(error) === 'UnknownUserError' && decision.decision === 'delete' && record.snapshot) {
      await refuseRenamed(acting);
      return { outcome: 'deleted', planned: [], done: step === 'decision' ? (record.removed ?? []) : [] };
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

async function actOnCredentialCase(
  acting: Acting,
  decision: DecisionRecord,
): Promise<Omit<ActOutput, 'snapshotSaved'>> {
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
/**
 * What a Delete re-checks: the case's expectations; after a trip the approvers saw the attempts,
 * so use does not stop a Delete now; after silence the user must still be as it was quarantined.
 */
function deletionExpectations(record: CaseRecord, step: (typeof ACT_STEPS)[number]): CaseExpectations {
  return {
    ...expectationsOf(record),
    ...(step === 'after-trip' ? { useApproved: true } : {}),
    ...(step === 'quarantine-over' && record.quarantine && record.snapshot
      ? { quarantine: { before: record.snapshot, policyArn: record.quarantine.policyArn } }
      : {}),
  };
}

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

/** Who put a tag on a user, in the case's own account. */
const taggingFor =
  (member: ReturnType<typeof memberOf>): TaggingLookup =>
  (input) =>
    whoTagged(input, trailAccess(member, trailLimiter), clock.now());

/** The last CloudTrail event of a user since a date, in the case's own account and regions. */
function trailUseFor(config: JanitorConfig, member: ReturnType<typeof memberOf>) {
  const eventsSince = userEventsSince(config, trailAccess(member, trailLimiter));
  return async (userName: string, since: Date) =>
    (await eventsSince(userName, since, clock.now())).lastEvent?.eventTime;
}
