import type { Context } from 'aws-lambda';
import { caseHistory, sweepStore } from '../commons/case/stores';
import { clock } from '../commons/runtime/clock';
import type { CaseRecord, SweepRecord } from '../commons/case/record';
import type { ExemptionSeen } from '../commons/case/exemption-record';
import { janitorConfig } from '../commons/config/env';
import { logger } from '../commons/runtime/observability';
import { slackSecrets } from '../commons/config/secrets';
import { callSlack, slackClient } from '../commons/slack/client';
import { summaryOf, summaryText } from './summary';
import { DAY_MS } from '../commons/runtime/time';

/**
 * Posts the weekly summary in the approvers' channel, from EventBridge Scheduler: what was opened
 * and decided in the last 7 days, what still waits, and what the latest sweep left for later.
 */
// Lambda calls a handler with (event, context): the time comes from the clock, never from an argument.
export async function handler(_event?: unknown, context?: Context): Promise<{ text: string }> {
  if (context) logger.addContext(context);
  const now = clock.now();
  const config = janitorConfig();
  const since = new Date(now.getTime() - 7 * DAY_MS);
  const [cases, sweep, exemptions]: [CaseRecord[], SweepRecord | undefined, ExemptionSeen[]] =
    await Promise.all([
      caseHistory().casesSince(since),
      sweepStore().latestSweep(),
      sweepStore().allExemptions(),
    ]);
  const text = summaryText(summaryOf(cases, sweep, since, { exemptions, maxKeepDays: config.maxKeepDays }));
  const slack = await slackClient((await slackSecrets()).slackBotToken);
  await callSlack('post the weekly summary', () =>
    slack.chat.postMessage({ channel: config.slackChannelId, text }),
  );
  logger.info('weekly summary posted', { cases: cases.length });
  return { text };
}
