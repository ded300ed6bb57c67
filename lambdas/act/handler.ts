import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as v from 'valibot';
import { refuseOutOfScope } from '../commons/iam/account-scope';
import {
  caseStore,
  iamClientFor,
  memberOf,
  organizationsClient,
  trailAccess,
} from '../commons/runtime/clients';
import { configForAccount } from '../commons/config/config';
import { lookupRegions, lookupUserEvents } from '../commons/cloudtrail/lookup';
import { decisionSchema, isIrreversible } from '../commons/contracts';
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
  type ActResult,
  type CredentialActResult,
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

export interface ActOutput {
  readonly outcome: ActResult['outcome'] | CredentialActResult['outcome'];
  readonly planned: string[];
  readonly done: string[];
  readonly snapshotSaved: boolean;
}

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
      try {
        await store.update(
          caseId,
          { snapshot, snapshotSavedAt: clock.now().toISOString() },
          { onlyIfAbsent: 'snapshot' },
        );
      } catch (error) {
        // A retry after a crash keeps the first, complete snapshot rather than a partial one.
        if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      }
      snapshotSaved = true;
    };

    // The two-person rule, enforced where the change happens too: an irreversible decision that
    // reached the remover with one approver (whatever path it took) changes nothing.
    if (
      config.twoPersonDelete &&
      isIrreversible(decision.decision, record.candidate.credential) &&
      (!decision.firstApprover || decision.firstApprover === decision.decidedBy)
    ) {
      throw new TwoPersonRuleError(
        `A ${decision.decision} cannot be fully undone and twoPersonDelete is on, but it carries one approver (<@${decision.decidedBy}>); nothing was changed.`,
      );
    }
    // Everyone who decided, with the e-mails Slack gave at their clicks: the live user must be none of them.
    const deciders: Deciders = {
      identityTagKey: config.approverIdentityTagKey,
      people: [
        { slackId: decision.decidedBy, email: decision.decidedByEmail },
        ...(decision.firstApprover
          ? [{ slackId: decision.firstApprover, email: decision.firstApproverEmail }]
          : []),
      ],
    };
    const evidence = record.context?.iam;
    const expected: CaseExpectations = {
      userId: record.userId,
      openedAt: record.openedAt,
      lastActivity: record.candidate.lastActivity,
      knownCredentialIds: evidence ? credentialIdsOf(evidence) : undefined,
      consoleAccess: evidence?.consoleAccess,
      requested: record.candidate.requested !== undefined,
    };
    const trailUseSince = async (userName: string, since: Date) => {
      const summary = await lookupUserEvents(userName, lookupRegions(config), {
        ...trailAccess(member, trailLimiter),
        maxEventsPerRegion: 50,
        now: clock.now(),
        since,
      });
      return summary.lastEvent?.eventTime;
    };

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
      await store.update(caseId, { removed: result.done, planned: result.planned });
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
        expected,
        deciders,
        trailUseSince,
        dryRun: config.dryRun,
        now: clock.now(),
        previousSnapshot: record.snapshot,
        saveSnapshot,
        onStep: (step, status) => log.info('removal step', { step: step.description, status }),
      });
      await store.update(caseId, { removed: result.done, planned: result.planned });
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
