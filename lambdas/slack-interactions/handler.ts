import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import type { CaseRecord } from '../commons/case-store';
import { caseStore, sfnClient } from '../commons/clients';
import {
  DECISIONS,
  DECISIONS_FOR,
  isIrreversible,
  MAX_REASON_LENGTH,
  type DecisionRecord,
} from '../commons/contracts';
import { configForAccount, type JanitorConfig } from '../commons/config';
import { janitorConfig } from '../commons/env';
import { clock } from '../commons/clock';
import { errorName } from '../commons/errors';
import { logger, metrics, MetricName } from '../commons/observability';
import { slackSecrets } from '../commons/secrets';
import { slackClient, updateMessage } from '../commons/slack';
import { DECISION_WORDS, decidedMessage, REASON_INPUT } from '../commons/slack-messages';
import { identityOf, isSelf } from '../commons/self-decision';
import { clip, formatTime } from '../commons/text';
import { verifySlackSignature } from './signature';

/** The part of a Lambda Function URL event this handler reads. */
const functionUrlEventSchema = v.object({
  headers: v.optional(v.record(v.string(), v.optional(v.string())), {}),
  body: v.optional(v.string()),
  isBase64Encoded: v.optional(v.boolean()),
});

const blockActionsSchema = v.object({
  type: v.literal('block_actions'),
  api_app_id: v.optional(v.string()),
  // An organization-wide (Enterprise Grid) install sends "team": null and the org in "enterprise";
  // a workspace of an org may also name its org in team.enterprise_id.
  team: v.nullish(v.object({ id: v.string(), enterprise_id: v.optional(v.string()) })),
  enterprise: v.nullish(v.object({ id: v.string() })),
  is_enterprise_install: v.optional(v.boolean()),
  user: v.object({ id: v.string() }),
  channel: v.optional(v.object({ id: v.string() })),
  actions: v.pipe(
    v.array(
      v.object({
        action_id: v.picklist(DECISIONS),
        value: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
      }),
    ),
    v.minLength(1),
  ),
  // Slack sends the message's input blocks with every block_actions: the optional reason is there.
  state: v.optional(
    v.object({
      values: v.record(v.string(), v.record(v.string(), v.looseObject({ value: v.nullish(v.string()) }))),
    }),
  ),
});
type BlockActions = v.InferOutput<typeof blockActionsSchema>;

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
  const parsedEvent = v.safeParse(functionUrlEventSchema, event);
  if (!parsedEvent.success || parsedEvent.output.body === undefined) return reject(400, 'malformed request');
  const { headers, body, isBase64Encoded } = parsedEvent.output;
  const rawBody = isBase64Encoded ? Buffer.from(body!, 'base64').toString('utf8') : body!;
  const header = (name: string) => headers[name] ?? headers[name.toLowerCase()];

  const secrets = await slackSecrets();
  const check = verifySlackSignature(
    rawBody,
    { timestamp: header('x-slack-request-timestamp'), signature: header('x-slack-signature') },
    secrets.slackSigningSecret,
    Math.floor(clock.now().getTime() / 1000),
  );
  if (!check.valid) return reject(401, check.reason);

  let payload: BlockActions;
  try {
    payload = v.parse(blockActionsSchema, JSON.parse(new URLSearchParams(rawBody).get('payload') ?? ''));
  } catch {
    return reject(400, 'not a block_actions payload');
  }
  const config = janitorConfig();
  const origin = workspaceCheck(payload, config);
  if (!origin.accepted) return reject(401, origin.reason);
  if (config.slackAppId && payload.api_app_id !== config.slackAppId)
    return reject(401, `foreign app ${payload.api_app_id}`);

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

  if (!approversAnywhere(config).has(userId)) {
    countRejected('not an approver');
    await tell(
      'You are not allowed to decide iam-janitor cases. Ask an approver listed in approverSlackUserIds.',
    );
    return reply(200);
  }

  const store = caseStore();
  const record = await store.get(caseId);
  if (!record) {
    await tell(`Case ${caseId} is unknown to iam-janitor.`);
    return reply(200);
  }
  log.appendKeys({ userName: record.userName });
  // Organization mode: an account with its own approvers is decided by them, and by nobody else.
  const approvers = configForAccount(config, record.candidate.accountId).approverSlackUserIds;
  if (!approvers.includes(userId)) {
    countRejected('not an approver of the account');
    await tell(
      `You are not an approver of AWS account ${record.candidate.accountId}; ask one of its approvers (accountOverrides).`,
    );
    return reply(200);
  }
  // The case's kind decides which buttons count, never the payload: a forged "delete" on a
  // credential case, or "deactivate" on a user case, changes nothing.
  // Cases opened before credential cases existed carry no kind: they are user cases.
  const kind = record.candidate.kind ?? 'user';
  if (!DECISIONS_FOR[kind].includes(action.action_id)) {
    countRejected(`decision ${action.action_id} on a ${kind} case`);
    await tell(
      `A ${kind} case takes ${orList(DECISIONS_FOR[kind].map((word) => DECISION_WORDS[word]))}, not ${DECISION_WORDS[action.action_id]}; nothing changed.`,
    );
    return reply(200);
  }
  const reason = payload.state?.values[REASON_INPUT.blockId]?.[REASON_INPUT.actionId]?.value?.trim();
  const decision: { -readonly [K in keyof DecisionRecord]: DecisionRecord[K] } = {
    decision: action.action_id,
    decidedBy: userId,
    decidedAt: clock.now().toISOString(),
    ...(reason ? { reason: clip(reason, MAX_REASON_LENGTH) } : {}),
  };
  // The approver's e-mail, kept with the decision: the remover compares it with the user's identity
  // tag read live, which may have been added while the case waited.
  const { email, name } = await profileOf(userId, slack);
  if (typeof email === 'string' && email.includes('@')) decision.decidedByEmail = email;
  if (name) decision.decidedByName = clip(name, 200);
  // Nobody decides about themselves: the user's own Slack id or e-mail, in their IAM tag, is refused.
  const identity = identityOf(record.context?.iam.tags ?? {}, config.approverIdentityTagKey);
  if (identity) {
    const self = isSelf(identity, { slackId: userId, email: decision.decidedByEmail });
    if (self !== false) {
      countRejected('self-approval');
      await tell(
        self === true
          ? `You cannot decide a case about yourself (${record.userName} is tagged with your ${identity.includes('@') ? 'e-mail' : 'Slack id'}); another approver must.`
          : `${record.userName} is tagged with an e-mail, and your e-mail could not be read to rule out that this case is about you (${typeof email === 'string' ? 'Slack gave no e-mail' : email.unknown}); another approver must decide, or grant the users:read.email scope.`,
      );
      return reply(200);
    }
  }
  if (config.twoPersonDelete && isIrreversible(decision.decision, record.candidate.credential)) {
    const word = DECISION_WORDS[decision.decision];
    const first = await store.recordFirstApproval(caseId, decision);
    if (first.won) {
      await tell(
        `Your *${word}* for ${record.userName} is recorded. It cannot be fully undone, so a second approver must also click *${word}* before anything changes.`,
      );
      return reply(200);
    }
    const earlier = first.existing?.firstApproval;
    if (earlier?.decidedBy === userId && !first.existing?.decision) {
      await tell(`You already approved this ${word}: a different approver must click *${word}* too.`);
      return reply(200);
    }
    if (earlier && earlier.decision !== decision.decision && !first.existing?.decision) {
      await tell(
        `<@${earlier.decidedBy}> approved *${DECISION_WORDS[earlier.decision]}*; a second approval counts only for the same decision, so nothing changed. Click *${DECISION_WORDS[earlier.decision]}* to confirm it, or *Keep*.`,
      );
      return reply(200);
    }
    if (earlier && !first.existing?.decision) {
      decision.firstApprover = earlier.decidedBy;
      if (earlier.decidedByEmail) decision.firstApproverEmail = earlier.decidedByEmail;
      if (earlier.decidedByName) decision.firstApproverName = earlier.decidedByName;
    }
  }
  const claim = await store.recordDecision(caseId, decision);
  let delivering = decision;
  if (!claim.won) {
    const existing = claim.existing?.decision;
    // Slack re-sends a request it did not see answered in 3 s: the same approver, the same choice.
    const repeat = existing?.decidedBy === userId && existing.decision === decision.decision;
    // Only the decider's own repeat delivers a stored decision that never reached the workflow (its
    // first delivery failed); nobody's other click rides on it. A retried request step delivers it too.
    const undelivered = repeat && !claim.existing?.decisionDeliveredAt && !claim.existing?.outcome;
    if (!undelivered) {
      if (!repeat) await tell(alreadyDecided(claim.existing ?? record));
      return reply(200);
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
      return reply(200);
    }
    // Step Functions answers alike for a token already answered (by a double click, or by the
    // request step itself) and for one whose wait expired, so this click writes nothing: the
    // workflow records the outcome that really happened.
    const now = await store.get(caseId);
    if (!now?.decisionDeliveredAt) {
      const stored = now?.decision?.decidedBy === userId;
      await tell(
        `The workflow is not waiting on this request right now: the request is being posted again, the approval expired, or a decision already reached it.${stored ? ' Your decision is stored with the case and reaches the workflow if it asks again.' : ''} This click changed nothing else; the thread will show the outcome.`,
      );
    }
    return reply(200);
  }
  metrics.addDimension('decision', decision.decision);
  metrics.addMetric(MetricName.Decisions, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  log.info('decision recorded', { decision: decision.decision, decidedBy: userId });

  if (record.slackTs && record.slackChannel) {
    try {
      await updateMessage(
        slack,
        { channel: record.slackChannel, ts: record.slackTs },
        decidedMessage(record, delivering),
        'show the decision',
      );
    } catch (error) {
      log.warn('could not update the approval message', { error: errorName(error) });
    }
  }
  return reply(200);
}

/**
 * Requests from the configured workspace, or, with slackEnterpriseId, from anywhere in that
 * Enterprise Grid organization (org-wide installs send no team at all).
 */
function workspaceCheck(
  payload: BlockActions,
  config: { slackTeamId?: string; slackEnterpriseId?: string },
): { accepted: true } | { accepted: false; reason: string } {
  if (config.slackTeamId && payload.team?.id === config.slackTeamId) return { accepted: true };
  const enterpriseId = payload.enterprise?.id ?? payload.team?.enterprise_id;
  if (config.slackEnterpriseId && enterpriseId === config.slackEnterpriseId) return { accepted: true };
  return {
    accepted: false,
    reason: `foreign workspace ${payload.team?.id ?? 'none'}${enterpriseId ? ` (organization ${enterpriseId})` : ''}`,
  };
}

/**
 * Sends the decision to the task token the case waits on now, read afresh: a retried request step
 * replaces the token, and the one this click's first read saw may be dead. Marks it delivered.
 */
async function deliverDecision(
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
  await store.update(caseId, { decisionDeliveredAt: clock.now().toISOString() });
  return 'delivered';
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

/** `Delete, Disable or Keep` */
function orList(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
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

/** Everyone who approves somewhere: the global approvers and each account's own. */
function approversAnywhere(config: JanitorConfig): Set<string> {
  return new Set([
    ...config.approverSlackUserIds,
    ...Object.values(config.accountOverrides).flatMap((overrides) => overrides.approverSlackUserIds ?? []),
  ]);
}
