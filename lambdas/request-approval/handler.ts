import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as v from 'valibot';
import type { CaseRecord } from '../commons/case/case-store';
import { caseStore, sfnClient } from '../commons/runtime/clients';
import { clock } from '../commons/runtime/clock';
import { configForAccount } from '../commons/config/config';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { slackSecrets } from '../commons/config/secrets';
import { callSlack, slackClient, updateMessage } from '../commons/slack/client';
import { approvalMessage, decidedMessage, type SlackMessage } from '../commons/slack/messages';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({
  caseId: nonEmpty(),
  taskToken: nonEmpty(),
});

/**
 * Stores the task token in the case table, then asks the approvers in Slack. The state machine
 * waits until the interactions Lambda resumes it with the decision, or until the approval times out.
 */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, taskToken }, log): Promise<{ slackTs: string }> => {
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
      await sfnClient().send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(record.decision) }),
      );
      await store.markDelivered(caseId, clock.now().toISOString());
      log.info('delivered a decision stored during an earlier attempt');
      await showCaseMessage(
        slack,
        record,
        decidedMessage(record, record.decision),
        config.slackChannelId,
        'the decision',
      );
      return { slackTs: record.slackTs ?? '' };
    }
    // A retry after the message was posted refreshes it rather than post a second one.
    const message = approvalMessage(record, config.approvalTimeoutHours, config.dryRun);
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
