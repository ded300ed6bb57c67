import * as z from 'zod';
import { caseStore, cloudTrailClient, iamClient } from '../commons/clients';
import { candidateSchema } from '../commons/contracts';
import { janitorConfig } from '../commons/env';
import { logger } from '../commons/observability';
import { cloudTrailLimiter } from '../commons/rate-limiter';
import { gatherIamFacts, HOME_REGION, lookupUserEvents, type CaseContext } from './context';

const eventSchema = z.object({
  caseId: z.string().min(1),
  executionArn: z.string().min(1),
  candidate: candidateSchema,
});

export interface OpenedCase {
  readonly caseId: string;
  readonly userName: string;
  /** The approval wait, read by the state machine's TimeoutSecondsPath. */
  readonly approvalTimeoutSeconds: number;
}

/** Opens the case (one open case per user) and gathers the evidence an approver needs. */
export async function handler(event: unknown): Promise<OpenedCase> {
  const { caseId, executionArn, candidate } = eventSchema.parse(event);
  const config = janitorConfig();
  // A child logger per invocation: keys never leak from one case to the next.
  const log = logger.createChild({ persistentKeys: { caseId, userName: candidate.userName } });
  const store = caseStore();
  await store.open({
    caseId,
    userName: candidate.userName,
    userId: candidate.userId,
    arn: candidate.arn,
    candidate,
    executionArn,
    openedAt: new Date().toISOString(),
  });

  const now = new Date();
  const regions = [...new Set([HOME_REGION, ...config.cloudTrailRegions])];
  const [iam, cloudTrail] = await Promise.all([
    gatherIamFacts(iamClient(), candidate.userName),
    lookupUserEvents(candidate.userName, regions, {
      clientFor: cloudTrailClient,
      limiter: cloudTrailLimiter,
      maxEventsPerRegion: config.cloudTrailMaxEvents,
      now,
    }),
  ]);
  const context: CaseContext = { gatheredAt: now.toISOString(), iam, cloudTrail };
  await store.update(caseId, { context });
  log.info('case opened', { events: cloudTrail.totalEvents, regions });
  return { caseId, userName: candidate.userName, approvalTimeoutSeconds: config.approvalTimeoutHours * 3600 };
}
