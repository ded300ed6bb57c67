import type { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import type { CaseRecord } from '../commons/case/record';
import { WAITS } from '../commons/case/lifecycle';
import { resumeCase, type Resumption } from '../commons/case/resumer';
import { caseStore, quarantineStore } from '../commons/case/stores';
import { sfnClient } from '../commons/runtime/clients';
import { quarantineStartedText, tripMessage } from '../commons/slack/quarantine-messages';
import { configForAccount } from '../commons/config/config';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { slackSecrets } from '../commons/config/secrets';
import { callSlack, slackClient, updateMessage } from '../commons/slack/client';
import { approvalMessage, decidedMessage, type SlackMessage } from '../commons/slack/messages';
import { nonEmpty } from '../commons/runtime/validate';

/** What the case waits for with this token (lifecycle.ts `WAITS`). */
const eventSchema = v.object({
  caseId: nonEmpty(),
  taskToken: nonEmpty(),
  waitFor: v.optional(v.picklist(WAITS), 'decision'),
});

/**
 * Stores the task token in the case table, then asks the approvers in Slack. The state machine
 * waits until the interactions Lambda resumes it with the decision, or until the approval times out.
 */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, taskToken, waitFor }, log): Promise<{ slackTs: string }> => {
    if (waitFor === 'quarantine') return awaitQuarantineEnd(caseId, taskToken, log);
    if (waitFor === 'after-trip') return askAfterTrip(caseId, taskToken, log);
    const store = caseStore();
    // Each attempt of the state gets a new token; the latest is the one that can resume the case.
    const record = await store.awaitDecision(caseId, taskToken);
    // Organization mode: the account's own channel, when accountOverrides names one.
    const config = configForAccount(janitorConfig(), record.candidate.accountId);
    log.appendKeys({ userName: record.userName });

    const slack = await slackClient((await slackSecrets()).slackBotToken);
    if (record.decision) {
      // Decided during an earlier attempt (say, on a request whose posting answer was lost). Its
      // token died with that attempt, delivered or not: had it resumed the case, there would be no
      // attempt now. So this attempt's token carries the decision on.
      await resumeThisAttempt(caseId, taskToken, { wait: 'decision', decision: record.decision });
      log.info('delivered a decision stored during an earlier attempt');
      await showCaseMessage(
        slack,
        record,
        decidedMessage(record, record.decision, { quarantineDays: config.quarantineDays }),
        config.slackChannelId,
        'the decision',
      );
      return { slackTs: record.slackTs ?? '' };
    }
    // A retry after the message was posted refreshes it rather than post a second one.
    const message = approvalMessage(
      record,
      config.approvalTimeoutHours,
      config.dryRun,
      config.quarantineDays,
    );
    const posted = await showCaseMessage(
      slack,
      record,
      message,
      config.slackChannelId,
      'the approval request',
    );
    if (!posted) return { slackTs: record.slackTs! };
    await store.attachMessage(caseId, {
      slackTs: posted.ts,
      slackChannel: posted.channel ?? config.slackChannelId,
    });
    log.info('approval requested');
    return { slackTs: posted.ts ?? '' };
  },
);

/**
 * The case's message: replaced in place when the case knows it, else posted in the channel. Returns
 * what Slack answered to a new post, or undefined when the message was replaced.
 */
async function showCaseMessage(
  slack: Awaited<ReturnType<typeof slackClient>>,
  record: CaseRecord,
  message: SlackMessage,
  channel: string,
  what: string,
): Promise<{ ts?: string; channel?: string } | undefined> {
  if (record.slackTs && record.slackChannel) {
    await updateMessage(
      slack,
      { channel: record.slackChannel, ts: record.slackTs },
      message,
      `update ${what}`,
    );
    return undefined;
  }
  return callSlack(`post ${what}`, () =>
    slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
    }),
  );
}

/**
 * The quarantine's wait: the token is stored for the daily watcher, which answers it at the end or
 * at the first attempt. No state transition happens while it waits.
 */
async function awaitQuarantineEnd(
  caseId: string,
  taskToken: string,
  log: Logger,
): Promise<{ slackTs: string }> {
  const record = await quarantineStore().awaitEnd(caseId, taskToken);
  log.appendKeys({ userName: record.userName });
  const ended = record.quarantine?.trippedAt ? 'tripped' : record.quarantine?.verdict;
  if (ended) {
    // The watcher ended the wait between two attempts of this state, and answered the earlier
    // attempt's token, which died with it: this attempt's token carries its verdict on.
    await resumeThisAttempt(caseId, taskToken, { wait: 'quarantine', verdict: { verdict: ended } });
    log.info('delivered a verdict the watcher found during an earlier attempt', { verdict: ended });
    return { slackTs: record.slackTs ?? '' };
  }
  await replyInThread(record, quarantineStartedText(record));
  log.info('quarantine watched', { endsAt: record.quarantine?.endsAt });
  return { slackTs: record.slackTs ?? '' };
}

/** After a trip: the attempts in the thread, with Release and Delete now; the choice resumes the case. */
async function askAfterTrip(caseId: string, taskToken: string, log: Logger): Promise<{ slackTs: string }> {
  const record = await quarantineStore().awaitTripDecision(caseId, taskToken);
  log.appendKeys({ userName: record.userName });
  const decided = record.quarantine?.decision;
  if (decided) {
    // Chosen during an earlier attempt of this state, whose token died with it: this token carries it.
    await resumeThisAttempt(caseId, taskToken, { wait: 'after-trip', decision: decided });
    log.info('delivered a choice stored during an earlier attempt');
    return { slackTs: record.slackTs ?? '' };
  }
  if (record.quarantine?.tripMessageTs) return { slackTs: record.quarantine.tripMessageTs };
  const config = configForAccount(janitorConfig(), record.candidate.accountId);
  const message = tripMessage(record, config.approvalTimeoutHours);
  const slack = await slackClient((await slackSecrets()).slackBotToken);
  // In the case's thread, shown in the channel too: the approvers must see it.
  const channel = record.slackChannel ?? config.slackChannelId;
  const posted = await callSlack('post the quarantine trip', () =>
    slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
      ...(record.slackTs ? { thread_ts: record.slackTs, reply_broadcast: true } : {}),
    } as never),
  );
  if (posted.ts)
    await quarantineStore().attachTripMessage(caseId, { ts: posted.ts, channel: posted.channel ?? channel });
  log.info('asked after the trip');
  return { slackTs: posted.ts ?? '' };
}

/**
 * Resumes the case at this attempt's own token with what an earlier attempt stored; fails the
 * attempt, as Step Functions answered, when it cannot.
 */
async function resumeThisAttempt(caseId: string, taskToken: string, resumption: Resumption): Promise<void> {
  const resumed = await resumeCase(
    { sfn: sfnClient(), cases: caseStore(), quarantines: quarantineStore() },
    { caseId, taskToken },
    resumption,
  );
  if (!resumed.resumed) throw resumed.error;
}

/** A line in the case's thread, or in the channel when the case has no message. */
async function replyInThread(record: CaseRecord, text: string): Promise<void> {
  const config = configForAccount(janitorConfig(), record.candidate.accountId);
  const slack = await slackClient((await slackSecrets()).slackBotToken);
  await callSlack('reply in the thread', () =>
    slack.chat.postMessage({
      channel: record.slackChannel ?? config.slackChannelId,
      ...(record.slackTs ? { thread_ts: record.slackTs } : {}),
      text,
    }),
  );
}
