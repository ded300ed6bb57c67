import type { Logger } from '@aws-lambda-powertools/logger';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { DecisionRecord } from '../commons/contracts';
import { caseStore, sfnClient } from '../commons/runtime/clients';
import { clock } from '../commons/runtime/clock';
import { errorName } from '../commons/runtime/errors';
import type { slackClient } from '../commons/slack/client';

/** What a decide step needs of the click: Slack, the request's logger, and a private reply. */
export interface Clicked {
  readonly slack: Awaited<ReturnType<typeof slackClient>>;
  readonly log: Logger;
  readonly tell: (text: string) => Promise<void>;
}

/**
 * Sends the decision to the task token the case waits on now, read afresh: a retried request step
 * replaces the token, and the one this click's first read saw may be dead. Marks it delivered.
 */
export async function deliverDecision(
  caseId: string,
  decision: DecisionRecord,
): Promise<'delivered' | 'not waiting' | string> {
  const store = caseStore();
  const current = await store.get(caseId);
  if (!current?.taskToken) return 'not waiting';
  try {
    await sfnClient().send(
      new SendTaskSuccessCommand({ taskToken: current.taskToken, output: JSON.stringify(decision) }),
    );
  } catch (error) {
    const name = errorName(error);
    return /TaskTimedOut|InvalidToken|TaskDoesNotExist/.test(name) ? 'not waiting' : name;
  }
  await store.markDelivered(caseId, clock.now().toISOString());
  return 'delivered';
}
