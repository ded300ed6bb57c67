import * as v from 'valibot';
import type { OpenedCase } from '../commons/case-state';
import { refuseOutOfScope } from '../commons/iam/account-scope';
import { caseStore } from '../commons/case/stores';
import { iamClientFor, organizationsClient } from '../commons/runtime/clients';
import { memberOf } from '../commons/runtime/member-role';
import { trailAccess } from '../commons/cloudtrail/access';
import { candidateSchema } from '../commons/contracts/candidate';
import { configForAccount, type JanitorConfig } from '../commons/config/config';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import {
  describeTrailEvent,
  lookupRegions,
  lookupUserEvents,
  recentTrailActivity,
} from '../commons/cloudtrail/lookup';
import { clock } from '../commons/runtime/clock';
import { UserBecameActiveError, UserChangedError } from '../commons/runtime/errors';
import { pathOfArn, refuseIfProtected } from '../commons/case/exemptions';
import { cloudTrailLimiter } from '../commons/cloudtrail/rate-limiter';
import { gatherIamFacts, resolveCredential } from './context';
import { type CaseContext } from '../commons/case/evidence';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({
  caseId: nonEmpty(),
  executionArn: nonEmpty(),
  candidate: candidateSchema,
});

/** Opens the case (one open case per user) and gathers the evidence an approver needs. */
export const handler = taskHandler(
  eventSchema,
  ({ caseId, candidate }) => ({ caseId, userName: candidate.userName }),
  async ({ caseId, executionArn, candidate }, log): Promise<OpenedCase> => {
    const config = configForAccount(janitorConfig(), candidate.accountId);
    const store = caseStore();
    await store.open({
      caseId,
      userName: candidate.userName,
      userId: candidate.userId,
      arn: candidate.arn,
      candidate,
      executionArn,
      openedAt: clock.now().toISOString(),
    });
    // Organization mode: an excluded, suspended or management account is refused here too, not
    // only by the sweep's listing (an offboarding names its account itself).
    if (candidate.accountId !== undefined)
      await refuseOutOfScope(organizationsClient(), candidate.accountId, config);

    const now = clock.now();
    const regions = lookupRegions(config);
    // Organization mode: the member account's reader role, and that account's own lookup pacing.
    const member = memberOf(candidate, 'reader', config);
    const [iam, cloudTrail] = await Promise.all([
      gatherIamFacts(iamClientFor(member), candidate.userName),
      lookupUserEvents(candidate.userName, regions, {
        ...trailAccess(member, cloudTrailLimiter),
        maxEventsPerRegion: config.cloudTrailMaxEvents,
        now,
      }),
    ]);
    const context: CaseContext = { gatheredAt: now.toISOString(), iam, cloudTrail };
    await store.attachContext(caseId, context);
    log.info('case opened', { events: cloudTrail.totalEvents, regions });
    // The evidence is stored first, so that the record of an aborted case shows why it stopped.
    if (iam.userId && iam.userId !== candidate.userId) {
      throw new UserChangedError(
        `${candidate.userName} is now IAM user ${iam.userId}, not ${candidate.userId} as in the credential report: the name was deleted and created again since the report, so nobody was asked.`,
      );
    }
    if (candidate.kind === 'credential') {
      const credentialId = resolveCredential(
        candidate,
        iam,
        config.credentialThresholdDays ?? config.thresholdDays,
        now,
      );
      await store.attachCredential(caseId, credentialId);
      log.info('credential resolved', { credentialId });
      return openedCase(caseId, candidate.userName, config);
    }
    if (candidate.requested) {
      // An offboarding is of an active user on purpose; the protected and exempt refusals still hold.
      refuseIfProtected(
        { userName: candidate.userName, path: pathOfArn(candidate.arn), tags: iam.tags ?? {} },
        config,
      );
      return openedCase(caseId, candidate.userName, config);
    }
    const activity = recentTrailActivity(cloudTrail, config.thresholdDays, now);
    if (activity) {
      throw new UserBecameActiveError(
        `CloudTrail shows ${candidate.userName} active: ${describeTrailEvent(activity, now)}, within the ${config.thresholdDays}-day threshold. ` +
          'The credential report does not show SSH keys or service-specific credentials, so this use counts and nobody was asked.',
      );
    }
    return openedCase(caseId, candidate.userName, config);
  },
);

/** What the case machine reads of the opened case: its id, and its waits' limits. */
function openedCase(caseId: string, userName: string, config: JanitorConfig): OpenedCase {
  return {
    caseId,
    userName,
    approvalTimeoutSeconds: config.approvalTimeoutHours * 3600,
    quarantineTimeoutSeconds: (config.quarantineDays + 3) * 86_400,
  };
}
