import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { caseStore, replayStore } from '../commons/case/stores';
import { isIrreversible, MAX_REASON_LENGTH, type DecisionRecord } from '../commons/contracts/decision';
import { janitorConfig } from '../commons/config/env';
import { configForAccount, type JanitorConfig } from '../commons/config/config';
import { afterTripBallot } from './after-trip';
import { decisionDelivered } from '../commons/case/lifecycle';
import { decide, type Ballot } from './decide';
import { clock } from '../commons/runtime/clock';
import { errorName } from '../commons/runtime/errors';
import { logger, metrics, MetricName } from '../commons/runtime/observability';
import { slackSecrets } from '../commons/config/secrets';
import { slackClient } from '../commons/slack/client';
import { readAction } from '../commons/slack/ballots';
import { DECISION_WORDS, decidedMessage, REASON_INPUT } from '../commons/slack/messages';
import { clip, escapeMrkdwn, formatTime, mention } from '../commons/runtime/text';
import {
  refuseDecision,
  refuseOtherAccount,
  refuseSelf,
  refuseStranger,
  secondApproval,
  type Refusal,
} from './authorize';
import { bindClick } from './ballot-binding';
import { clickedMessage, receive } from './receiver';
import { MAX_SKEW_SECONDS } from './signature';

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
  if (!(await firstTaken(received.signed))) return reject(401, 'replayed request');
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
    await tell(`Case ${escapeMrkdwn(caseId)} is unknown to iam-janitor.`);
    return reply(200);
  }
  log.appendKeys({ userName: record.userName });
  const bound = bindClick(record, readAction(action.action_id)!, clickedMessage(payload));
  if ('reason' in bound) return refused(bound);
  const wrong =
    refuseOtherAccount(config, record, userId) ?? refuseDecision(record, bound.ballot, bound.decision);
  if (wrong) return refused(wrong);
  const reason = payload.state?.values[REASON_INPUT.blockId]?.[REASON_INPUT.actionId]?.value?.trim();
  // The approver's e-mail, kept with the decision: the remover compares it with the user's identity
  // tag read live, which may have been added while the case waited.
  const { email, name } = await profileOf(userId, slack);
  const self = refuseSelf(config, record, userId, email);
  if (self) return refused(self);
  const decision: { -readonly [K in keyof DecisionRecord]: DecisionRecord[K] } = {
    decision: bound.decision,
    decidedBy: userId,
    decidedAt: clock.now().toISOString(),
    ...(reason ? { reason: clip(reason, MAX_REASON_LENGTH) } : {}),
    ...(typeof email === 'string' && email.includes('@') ? { decidedByEmail: email } : {}),
    ...(name ? { decidedByName: clip(name, 200) } : {}),
  };
  if (bound.ballot === 'after-trip') {
    await decide(record, decision, afterTripBallot(caseId), { slack, log, tell });
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
  await decide(record, decision, approvalBallot(caseId, config), { slack, log, tell });
  return reply(200);
}

/** The approval request's decision: one per case, shown on the request message. */
function approvalBallot(caseId: string, config: JanitorConfig): Ballot {
  return {
    noun: 'decision',
    word: (decision) => DECISION_WORDS[decision.decision],
    claim: (decision) => caseStore().recordDecision(caseId, decision),
    held: (record) => record.decision,
    wait: 'decision',
    delivered: decisionDelivered,
    taken: (record) =>
      record.decision
        ? `Already decided: *${record.decision.decision}* by ${mention(record.decision.decidedBy)} at ${formatTime(record.decision.decidedAt)}.`
        : `This case is ${record.status}${record.outcome ? ` (${record.outcome})` : ''}; it takes no decision now.`,
    shown: (record, decision) => ({
      ts: record.slackTs,
      message: decidedMessage(record, decision, {
        quarantineDays: configForAccount(config, record.candidate.accountId).quarantineDays,
      }),
    }),
  };
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

/**
 * Whether this signed request is taken for the first time. A signature passes for 5 minutes, so
 * anyone who saw a request (a proxy, a log) could send it again meanwhile: the copy is refused,
 * whatever the case holds by then (after a trip, an approval's Delete sent again is not Delete now).
 */
function firstTaken(signed: { signature: string; timestamp: number }): Promise<boolean> {
  // Kept a minute past the window, for the clock skew the signature check tolerates on either side.
  const expiresAt = signed.timestamp + MAX_SKEW_SECONDS + 60;
  return replayStore().claim(signed.signature, expiresAt, clock.now().toISOString());
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
