import * as z from 'zod';
import { caseStore } from '../commons/clients';
import { configForAccount } from '../commons/config';
import { janitorConfig } from '../commons/env';
import { taskHandler } from '../commons/handler';
import { slackSecrets } from '../commons/secrets';
import { callSlack, slackClient, updateMessage } from '../commons/slack';
import { approvalMessage } from '../commons/slack-messages';

const eventSchema = z.object({
  caseId: z.string().min(1),
  taskToken: z.string().min(1),
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
    const record = await store.require(caseId);
    // Organization mode: the account's own channel, when accountOverrides names one.
    const config = configForAccount(janitorConfig(), record.candidate.accountId);
    log.appendKeys({ userName: record.userName });
    // Each attempt of the state gets a new token; the latest is the one that can resume the case.
    await store.update(caseId, { taskToken, status: 'awaiting-decision' });

    const slack = await slackClient((await slackSecrets()).slackBotToken);
    const message = approvalMessage(record, config.approvalTimeoutHours, config.dryRun);
    if (record.slackTs && record.slackChannel) {
      // A retry after the message was posted: refresh it rather than post a second one.
      await updateMessage(
        slack,
        { channel: record.slackChannel, ts: record.slackTs },
        message,
        'update the approval request',
      );
      return { slackTs: record.slackTs };
    }
    const posted = await callSlack('post the approval request', () =>
      slack.chat.postMessage({
        channel: config.slackChannelId,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
      }),
    );
    await store.update(caseId, { slackTs: posted.ts, slackChannel: posted.channel ?? config.slackChannelId });
    log.info('approval requested');
    return { slackTs: posted.ts ?? '' };
  },
);
