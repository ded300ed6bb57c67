import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { CaseRecord } from '../commons/case/case-store';
import { caseStore } from '../commons/runtime/clients';
import { isIrreversible, MAX_REASON_LENGTH, type DecisionRecord } from '../commons/contracts';
import { janitorConfig } from '../commons/config/env';
import { configForAccount } from '../commons/config/config';
import { decideAfterTrip } from './after-trip';
import { deliverDecision, type Clicked } from './deliver';
import { clock } from '../commons/runtime/clock';
import { errorName } from '../commons/runtime/errors';
import { logger, metrics, MetricName } from '../commons/runtime/observability';
import { slackSecrets } from '../commons/config/secrets';
import { slackClient, updateMessage } from '../commons/slack/client';
import { DECISION_WORDS, decidedMessage, REASON_INPUT } from '../commons/slack/messages';
import { clip, formatTime } from '../commons/runtime/text';
import {
  refuseDecision,
  refuseOtherAccount,
  refuseSelf,
  refuseStranger,
  secondApproval,
  type Refusal,
} from './authorize';
import { receive } from './receiver';

export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

const reply = (statusCode: number, body = ''): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'text/plain' },
  body,
});

/**
 * Slack's interactivity endpoint. Answers within Slack's 3 seconds: 200 once handled (including
 * polite refusals), 401 for a bad signature or a foreign workspace or app, 400 for a malformed request.
 */
export async function handler(event: unknown, context?: Context): Promise<FunctionUrlResult> {
  // Every line of this request carries its request id; the next request's context replaces it.
  if (context) logger.addContext(context);
  return handleRequest(event);
}

async function handleRequest(event: unknown): Promise<FunctionUrlResult> {
  const config = janitorConfig();
  const received = await receive(
    event,
    async () => (await slackSecrets()).slackSigningSecret,
    config,
    () => Math.floor(clock.now().getTime() / 1000),
  );
  if (!received.accepted) return reject(received.statusCode, received.reason);
  const secrets = await slackSecrets();
  const { payload } = received;
  const action = payload.actions[0]!;
  const caseId = action.value;
  const userId = payload.user.id;
  // A child logger per invocation: keys never leak from one case to the next.
  const log = logger.createChild({ persistentKeys: { caseId } });
  const slack = await slackClient(secrets.slackBotToken);
  const channel = payload.channel?.id ?? config.slackChannelId;
  const tell = async (text: string) => {
    try {
      await slack.chat.postEphemeral({ channel, user: userId, text });
    } catch (error) {
      log.warn('could not send the ephemeral reply', { error: errorName(error) });
    }
  };
  const refused = async (refusal: Refusal) => {
    countRejected(refusal.reason);
    await tell(refusal.message);
    return reply(200);
  };

  const stranger = refuseStranger(config, userId);
  if (stranger) return refused(stranger);
  const record = await caseStore().get(caseId);
  if (!record) {
    await tell(`Case ${caseId} is unknown to iam-janitor.`);
    return reply(200);
  }
  log.appendKeys({ userName: record.userName });
  const wrong = refuseOtherAccount(config, record, userId) ?? refuseDecision(record, action.action_id);
  if (wrong) return refused(wrong);
  const reason = payload.state?.values[REASON_INPUT.blockId]?.[REASON_INPUT.actionId]?.value?.trim();
  // The approver's e-mail, kept with the decision: the remover compares it with the user's identity
  // tag read live, which may have been added while the case waited.
  const { email, name } = await profileOf(userId, slack);
  const self = refuseSelf(config, record, userId, email);
  if (self) return refused(self);
  const decision: { -readonly [K in keyof DecisionRecord]: DecisionRecord[K] } = {
    decision: action.action_id,
    decidedBy: userId,
    decidedAt: clock.now().toISOString(),
    ...(reason ? { reason: clip(reason, MAX_REASON_LENGTH) } : {}),
    ...(typeof email === 'string' && email.includes('@') ? { decidedByEmail: email } : {}),
    ...(name ? { decidedByName: clip(name, 200) } : {}),
  };
  if (record.status === 'quarantine-tripped') {
    // Release or Delete now: the deletion itself was approved before the quarantine (by two
    // approvers under twoPersonDelete); one approver chooses what follows the trip.
    await decideAfterTrip(record, decision, { slack, log, tell });
    return reply(200);
  }
  if (config.twoPersonDelete && isIrreversible(decision.decision, record.candidate.credential)) {
    const second = secondApproval(
      await caseStore().recordFirstApproval(caseId, decision),
      decision,
      record.userName,
    );
    if ('waiting' in second) {
      await tell(second.waiting);
      return reply(200);
    }
    Object.assign(decision, second.firstApprover);
  }
  await decide(record, decision, { slack, log, tell });
  return reply(200);
}

/**
 * Records an authorized decision, once, and hands it to the waiting workflow: the decide step of
 * receiver → authorize → decide. Every outcome is told to the clicker; nothing here throws on
 * Slack's account.
 */
async function decide(record: CaseRecord, decision: DecisionRecord, { slack, log, tell }: Clicked) {
  const { caseId } = record;
  const store = caseStore();
  const claim = await store.recordDecision(caseId, decision);
  let delivering = decision;
  if (!claim.won) {
    const existing = claim.existing?.decision;
    // Slack re-sends a request it did not see answered in 3 s: the same approver, the same choice.
    const repeat = existing?.decidedBy === decision.decidedBy && existing.decision === decision.decision;
    // Only the decider's own repeat delivers a stored decision that never reached the workflow (its
    // first delivery failed); nobody's other click rides on it. A retried request step delivers it too.
    const undelivered = repeat && !claim.existing?.decisionDeliveredAt && !claim.existing?.outcome;
    if (!undelivered) {
      if (!repeat) await tell(alreadyDecided(claim.existing ?? record));
      return;
    }
    delivering = existing;
  }

  const delivery = await deliverDecision(caseId, delivering);
  if (delivery !== 'delivered') {
    if (delivery !== 'not waiting') {
      // Written but not delivered: nothing has changed, and the same click will deliver it.
      log.error('could not resume the case', { error: delivery });
      await tell(
        `Your *${delivering.decision}* decision for ${record.userName} is recorded, but the workflow could not be resumed (${delivery}). Nothing has changed yet: click *${DECISION_WORDS[delivering.decision]}* again in a minute to deliver it.`,
      );
      return;
    }
    // Step Functions answers alike for a token already answered (by a double click, or by the
    // request step itself) and for one whose wait expired, so this click writes nothing: the
    // workflow records the outcome that really happened.
    const now = await store.get(caseId);
    if (!now?.decisionDeliveredAt) {
      const stored = now?.decision?.decidedBy === decision.decidedBy;
      await tell(
        `The workflow is not waiting on this request right now: the request is being posted again, the approval expired, or a decision already reached it.${stored ? ' Your decision is stored with the case and reaches the workflow if it asks again.' : ''} This click changed nothing else; the thread will show the outcome.`,
      );
    }
    return;
  }
  metrics.addDimension('decision', decision.decision);
  metrics.addMetric(MetricName.Decisions, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  log.info('decision recorded', { decision: decision.decision, decidedBy: decision.decidedBy });

  if (record.slackTs && record.slackChannel) {
    try {
      await updateMessage(
        slack,
        { channel: record.slackChannel, ts: record.slackTs },
        decidedMessage(record, delivering, {
          quarantineDays: configForAccount(janitorConfig(), record.candidate.accountId).quarantineDays,
        }),
        'show the decision',
      );
    } catch (error) {
      log.warn('could not update the approval message', { error: errorName(error) });
    }
  }
}

function alreadyDecided(record: CaseRecord): string {
  if (record.decision) {
    return `Already decided: *${record.decision.decision}* by <@${record.decision.decidedBy}> at ${formatTime(record.decision.decidedAt)}.`;
  }
  return `This case is ${record.status}${record.outcome ? ` (${record.outcome})` : ''}; it takes no decision now.`;
}

/**
 * The approver's e-mail (users:read.email), or why it cannot be had, and their name as Slack shows
 * it, for the audit trail.
 */
async function profileOf(
  approver: string,
  slack: Awaited<ReturnType<typeof slackClient>>,
): Promise<{ email: { unknown: string } | string; name?: string }> {
  try {
    const user = (await slack.users.info({ user: approver })).user;
    const name = user?.profile?.real_name || user?.real_name || user?.name || undefined;
    return {
      email: user?.profile?.email ? user.profile.email : { unknown: 'Slack gave no e-mail' },
      ...(name ? { name } : {}),
    };
  } catch (error) {
    return { email: { unknown: errorName(error) } };
  }
}

function countRejected(reason: string): void {
  logger.warn('rejected Slack request', { reason });
  metrics.addMetric(MetricName.RejectedSlackRequests, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

function reject(statusCode: number, reason: string): FunctionUrlResult {
  countRejected(reason);
  return reply(statusCode, statusCode === 401 ? 'unauthorized' : 'bad request');
}
