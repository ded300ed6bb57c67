import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as v from 'valibot';
import type { ActOutput } from '../commons/case-state';
import { refuseOutOfScope } from '../commons/iam/account-scope';
import {
  caseStore,
  iamClientFor,
  memberOf,
  organizationsClient,
  trailAccess,
} from '../commons/runtime/clients';
import { configForAccount, type JanitorConfig } from '../commons/config/config';
import type { CaseRecord } from '../commons/case/record';
import { lookupRegions, lookupUserEvents } from '../commons/cloudtrail/lookup';
import { decisionSchema, isIrreversible, type DecisionRecord } from '../commons/contracts';
import { janitorConfig } from '../commons/config/env';
import { clock } from '../commons/runtime/clock';
import { errorName, TwoPersonRuleError } from '../commons/runtime/errors';
import { taskHandler } from '../commons/runtime/handler';
import { metrics, MetricName } from '../commons/runtime/observability';
import { SerialLimiter, LOOKUP_GAP_MS } from '../commons/cloudtrail/rate-limiter';
import {
  act,
  actOnCredential,
  credentialIdsOf,
  type CaseExpectations,
  type Deciders,
  type Snapshot,
} from './removal';
import { nonEmpty } from '../commons/runtime/validate';

/** The remover's own pacing of its few lookups; the context Lambda's limiter lives in another container. */
const trailLimiter = new SerialLimiter(LOOKUP_GAP_MS);

const eventSchema = v.object({
  caseId: nonEmpty(),
  decision: decisionSchema,
});

export type { ActOutput } from '../commons/case-state';

/** Acts on an approver's decision. Delete and disable store the snapshot in the case record first. */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, decision }, log): Promise<ActOutput> => {
    const store = caseStore();
    const record = await store.require(caseId);
    const config = configForAccount(janitorConfig(), record.candidate.accountId);
    // Organization mode: the account may have been excluded or suspended while the case waited.
    if (record.candidate.accountId !== undefined)
      await refuseOutOfScope(await organizationsClient(), record.candidate.accountId, config);
    // Organization mode: the remover role of the case's own account, and of no other.
    const member = memberOf(record.candidate, 'remover', config);
    const iam = iamClientFor(member);
    log.appendKeys({ userName: record.userName, ...(member ? { accountId: member.accountId } : {}) });
    let snapshotSaved = Boolean(record.snapshot);

    const saveSnapshot = async (snapshot: Snapshot) => {
      // A retry after a crash keeps the first, complete snapshot rather than a partial one.
      await store.saveSnapshot(caseId, snapshot, clock.now().toISOString());
      snapshotSaved = true;
    };

    requireTwoApprovers(config, record, decision);
    const deciders = decidersOf(config, decision);

    if (record.candidate.kind === 'credential') {
      if (decision.decision !== 'deactivate' && decision.decision !== 'keep')
        throw new Error(`A credential case takes Deactivate or Keep, not ${decision.decision}`);
      if (!record.credentialId)
        throw new Error(`Case ${caseId} names no credential: its context was never gathered`);
      const result = await actOnCredential({
        iam,
        action: decision.decision,
        userName: record.userName,
        userId: record.userId,
        credentialId: record.credentialId,
        lastUsed: record.candidate.lastActivity,
        openedAt: record.openedAt,
        policy: config,
        deciders,
        dryRun: config.dryRun,
        now: clock.now(),
        saveSnapshot,
        onStep: (step, status) => log.info('credential step', { step: step.description, status }),
      });
      await store.recordRemoval(caseId, { removed: result.done, planned: result.planned });
      return { outcome: result.outcome, planned: result.planned, done: result.done, snapshotSaved };
    }
    if (decision.decision === 'deactivate')
      throw new Error('Deactivate is a credential case decision; a user case takes Delete, Disable or Keep');
    try {
      const result = await act({
        iam,
        action: decision.decision,
        userName: record.userName,
        policy: config,
        expected: expectationsOf(record),
        deciders,
        trailUseSince: trailUseFor(config, member),
        dryRun: config.dryRun,
        now: clock.now(),
        previousSnapshot: record.snapshot,
        saveSnapshot,
        onStep: (step, status) => log.info('removal step', { step: step.description, status }),
      });
      await store.recordRemoval(caseId, { removed: result.done, planned: result.planned });
      return { outcome: result.outcome, planned: result.planned, done: result.done, snapshotSaved };
    } catch (error) {
      // A retry that finds the user already gone, with the snapshot stored, finished the deletion before.
      if (errorName(error) === 'UnknownUserError' && decision.decision === 'delete' && record.snapshot) {
        return { outcome: 'deleted', planned: [], done: record.removed ?? [], snapshotSaved: true };
      }
      metrics.addMetric(MetricName.RemovalFailures, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      throw error;
    }
  },
);

/**
 * The two-person rule, enforced where the change happens too: an irreversible decision that
 * reached the remover with one approver (whatever path it took) changes nothing.
 */
function requireTwoApprovers(config: JanitorConfig, record: CaseRecord, decision: DecisionRecord): void {
  if (!config.twoPersonDelete || !isIrreversible(decision.decision, record.candidate.credential)) return;
  if (decision.firstApprover && decision.firstApprover !== decision.decidedBy) return;
  throw new TwoPersonRuleError(
    `A ${decision.decision} cannot be fully undone and twoPersonDelete is on, but it carries one approver (<@${decision.decidedBy}>); nothing was changed.`,
  );
}

/** Everyone who decided, with the e-mails Slack gave at their clicks: the live user must be none of them. */
function decidersOf(config: JanitorConfig, decision: DecisionRecord): Deciders {
  return {
    identityTagKey: config.approverIdentityTagKey,
    people: [
      { slackId: decision.decidedBy, email: decision.decidedByEmail },
      ...(decision.firstApprover
        ? [{ slackId: decision.firstApprover, email: decision.firstApproverEmail }]
        : []),
    ],
  };
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
    requested: record.candidate.requested !== undefined,
  };
}

/** The last CloudTrail event of a user since a date, in the case's own account and regions. */
function trailUseFor(config: JanitorConfig, member: ReturnType<typeof memberOf>) {
  return async (userName: string, since: Date) => {
    const summary = await lookupUserEvents(userName, lookupRegions(config), {
      ...trailAccess(member, trailLimiter),
      maxEventsPerRegion: 50,
      now: clock.now(),
      since,
    });
    return summary.lastEvent?.eventTime;
  };
}
