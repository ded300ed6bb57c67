import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { clock } from '../../lambdas/commons/runtime/clock';
import { signSlackRequest } from '../../lambdas/slack-interactions/signature';
import { SIM_SECRETS } from './engine-options';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { awaitsTripChoice } from '../../lambdas/commons/case/lifecycle';
import { DECISIONS, type Decision } from '../../lambdas/commons/contracts/decision';
import { ballotAction, readAction } from '../../lambdas/commons/slack/ballots';
import type { SlackPost } from './standins/slack-standin';

export interface ClickOverrides {
  readonly teamId?: string;
  readonly signingSecret?: string;
  readonly timestamp?: number;
  /** Sends the payload of an organization-wide install: no team, the org in `enterprise`. */
  readonly enterpriseId?: string;
  /** What the approver typed in the message's reason field before clicking. */
  readonly reason?: string;
  /** The message clicked (default: the one the case's open ballot is on, as the engine finds it). */
  readonly messageTs?: string;
}

/** The clicked button as the message shows it, and the message Slack names in the payload. */
export interface ClickedButton {
  readonly actionId: string;
  readonly value: string;
  readonly message: { readonly channel: string; readonly ts?: string };
}

/** Each click is a new interaction: Slack gives it its own action_ts and trigger_id. */
let interactions = 0;

/**
 * A button click as Slack delivers it to the Function URL: a block_actions payload, form-encoded,
 * base64 in the event, signed with the app's signing secret at the scenario's time.
 */
export function signedClick(
  config: Pick<JanitorConfig, 'slackTeamId' | 'slackAppId' | 'slackChannelId'>,
  click: { readonly userId: string; readonly button: ClickedButton },
  overrides: ClickOverrides = {},
) {
  const origin = overrides.enterpriseId
    ? {
        team: null,
        enterprise: { id: overrides.enterpriseId, name: 'Simulated Org' },
        is_enterprise_install: true,
      }
    : { team: { id: overrides.teamId ?? config.slackTeamId } };
  const seconds = overrides.timestamp ?? Math.floor(clock.now().getTime() / 1000);
  const actionTs = `${seconds}.${String(++interactions).padStart(6, '0')}`;
  const { message } = click.button;
  const payload = {
    type: 'block_actions',
    api_app_id: config.slackAppId ?? 'A0SIMULATED',
    ...origin,
    user: { id: click.userId, ...(overrides.enterpriseId ? { team_id: overrides.enterpriseId } : {}) },
    trigger_id: `${actionTs}.trigger`,
    // As Slack sends a click on a message's button: the message in container, channel and message.
    container: { type: 'message', channel_id: message.channel, message_ts: message.ts, is_ephemeral: false },
    channel: { id: message.channel, name: 'iam-janitor' },
    ...(message.ts ? { message: { type: 'message', ts: message.ts } } : {}),
    actions: [
      { action_id: click.button.actionId, value: click.button.value, type: 'button', action_ts: actionTs },
    ],
    // As Slack sends it: the state of every input block of the message, typed into or not.
    state: {
      values: { reason: { reason: { type: 'plain_text_input', value: overrides.reason ?? null } } },
    },
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const signed = signSlackRequest(body, overrides.signingSecret ?? SIM_SECRETS.slackSigningSecret, seconds);
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': signed.timestamp,
      'x-slack-signature': signed.signature,
    },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

interface ShownButton {
  readonly action_id: string;
  readonly value: string;
}

/**
 * The button a person would click to cast `decision` on a case: on the message given, or else on
 * the message of the case's open ballot (the trip message after a trip, the request before), or
 * else on the latest message showing the case's buttons (a request whose posting answer was lost).
 * A decision the message shows no button for is sent as a forged action of that message's ballot.
 */
export function buttonToClick(
  shown: ReadonlyMap<string, SlackPost>,
  record: CaseRecord | undefined,
  click: { readonly caseId: string; readonly decision: string; readonly channel: string },
  messageTs?: string,
): ClickedButton {
  const ts = messageTs ?? openBallotTs(record) ?? latestShowing(shown, click.caseId);
  const message = ts ? shown.get(ts) : undefined;
  const buttons = buttonsOf(message).filter((button) => button.value === click.caseId);
  const found = buttons.find((button) => readAction(button.action_id)?.decision === click.decision);
  const ballot = buttons.map((button) => readAction(button.action_id)?.ballot).find(Boolean);
  const forged =
    ballot && (DECISIONS as readonly string[]).includes(click.decision)
      ? ballotAction(ballot, click.decision as Decision)
      : click.decision;
  return {
    actionId: found?.action_id ?? forged,
    value: found?.value ?? click.caseId,
    message: { channel: message?.channel ?? click.channel, ts },
  };
}

function openBallotTs(record: CaseRecord | undefined): string | undefined {
  return record && awaitsTripChoice(record) ? record.quarantine?.tripMessageTs : record?.slackTs;
}

function latestShowing(shown: ReadonlyMap<string, SlackPost>, caseId: string): string | undefined {
  return [...shown.values()]
    .filter((post) => buttonsOf(post).some((button) => button.value === caseId))
    .at(-1)?.ts;
}

function buttonsOf(message: SlackPost | undefined): ShownButton[] {
  return (message?.blocks ?? [])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements as ShownButton[] | undefined) ?? []);
}
