import * as v from 'valibot';
import { readAction } from '../commons/slack/ballots';
import type { JanitorConfig } from '../commons/config/config';
import { verifySlackSignature } from './signature';

/**
 * The receiver, as bolt-js splits it off: from a Function URL event to a verified block_actions
 * payload, or the refusal with its HTTP status. Nothing here reads the case or calls Slack.
 */

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
  // The message whose button was clicked, as Slack names it: the click is bound to that message.
  container: v.optional(v.object({ message_ts: v.optional(v.string()), channel_id: v.optional(v.string()) })),
  message: v.optional(v.object({ ts: v.string() })),
  actions: v.pipe(
    v.array(
      v.object({
        // The ballot and the decision (`after-trip:delete`), or a bare decision on older messages.
        action_id: v.pipe(
          v.string(),
          v.check((actionId) => readAction(actionId) !== undefined),
        ),
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
export type BlockActions = v.InferOutput<typeof blockActionsSchema>;

export type Received =
  | {
      readonly accepted: true;
      readonly payload: BlockActions;
      /** The request's signature and timestamp, which the replay check keys on. */
      readonly signed: { readonly signature: string; readonly timestamp: number };
    }
  | { readonly accepted: false; readonly statusCode: 400 | 401; readonly reason: string };

/**
 * A request Slack signed, from the configured workspace (or Enterprise Grid organization) and app:
 * 400 for a malformed request, 401 for a bad signature or a foreign workspace or app. The signing
 * secret is read only once the event is well-formed: junk costs no Secrets Manager call.
 */
export async function receive(
  event: unknown,
  signingSecret: () => Promise<string>,
  config: Pick<JanitorConfig, 'slackTeamId' | 'slackEnterpriseId' | 'slackAppId'>,
  nowSeconds: () => number,
): Promise<Received> {
  const parsedEvent = v.safeParse(functionUrlEventSchema, event);
  if (!parsedEvent.success || parsedEvent.output.body === undefined)
    return { accepted: false, statusCode: 400, reason: 'malformed request' };
  const { headers, body, isBase64Encoded } = parsedEvent.output;
  const rawBody = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  const header = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  const signed = { timestamp: header('x-slack-request-timestamp'), signature: header('x-slack-signature') };
  const check = verifySlackSignature(rawBody, signed, await signingSecret(), nowSeconds());
  if (!check.valid) return { accepted: false, statusCode: 401, reason: check.reason };

  let payload: BlockActions;
  try {
    payload = v.parse(blockActionsSchema, JSON.parse(new URLSearchParams(rawBody).get('payload') ?? ''));
  } catch {
    return { accepted: false, statusCode: 400, reason: 'not a block_actions payload' };
  }
  const origin = workspaceCheck(payload, config);
  if (origin) return { accepted: false, statusCode: 401, reason: origin };
  if (config.slackAppId && payload.api_app_id !== config.slackAppId)
    return { accepted: false, statusCode: 401, reason: `foreign app ${payload.api_app_id}` };
  return {
    accepted: true,
    payload,
    signed: { signature: signed.signature!, timestamp: Number(signed.timestamp) },
  };
}

/** Where the clicked button was shown: the message's channel and ts, as Slack sends them. */
export function clickedMessage(payload: BlockActions): { channel?: string; ts?: string } {
  return {
    channel: payload.container?.channel_id ?? payload.channel?.id,
    ts: payload.container?.message_ts ?? payload.message?.ts,
  };
}

/**
 * Why a request comes from outside: requests are taken from the configured workspace, or, with
 * slackEnterpriseId, from anywhere in that Enterprise Grid organization (org-wide installs send no
 * team at all).
 */
function workspaceCheck(
  payload: BlockActions,
  config: { slackTeamId?: string; slackEnterpriseId?: string },
): string | undefined {
  if (config.slackTeamId && payload.team?.id === config.slackTeamId) return undefined;
  const enterpriseId = payload.enterprise?.id ?? payload.team?.enterprise_id;
  if (config.slackEnterpriseId && enterpriseId === config.slackEnterpriseId) return undefined;
  return `foreign workspace ${payload.team?.id ?? 'none'}${enterpriseId ? ` (organization ${enterpriseId})` : ''}`;
}
