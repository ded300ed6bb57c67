import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { clock } from '../../lambdas/commons/runtime/clock';
import { signSlackRequest } from '../../lambdas/slack-interactions/signature';
import { SIM_SECRETS } from './engine-options';

export interface ClickOverrides {
  readonly teamId?: string;
  readonly signingSecret?: string;
  readonly timestamp?: number;
  /** Sends the payload of an organization-wide install: no team, the org in `enterprise`. */
  readonly enterpriseId?: string;
  /** What the approver typed in the message's reason field before clicking. */
  readonly reason?: string;
}

/**
 * A button click as Slack delivers it to the Function URL: a block_actions payload, form-encoded,
 * base64 in the event, signed with the app's signing secret at the scenario's time.
 */
export function signedClick(
  config: Pick<JanitorConfig, 'slackTeamId' | 'slackAppId' | 'slackChannelId'>,
  click: { readonly caseId: string; readonly decision: string; readonly userId: string },
  overrides: ClickOverrides = {},
) {
  const origin = overrides.enterpriseId
    ? {
        team: null,
        enterprise: { id: overrides.enterpriseId, name: 'Simulated Org' },
        is_enterprise_install: true,
      }
    : { team: { id: overrides.teamId ?? config.slackTeamId } };
  const payload = {
    type: 'block_actions',
    api_app_id: config.slackAppId ?? 'A0SIMULATED',
    ...origin,
    user: { id: click.userId, ...(overrides.enterpriseId ? { team_id: overrides.enterpriseId } : {}) },
    channel: { id: config.slackChannelId },
    actions: [{ action_id: click.decision, value: click.caseId, type: 'button' }],
    // As Slack sends it: the state of every input block of the message, typed into or not.
    state: {
      values: { reason: { reason: { type: 'plain_text_input', value: overrides.reason ?? null } } },
    },
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const signed = signSlackRequest(
    body,
    overrides.signingSecret ?? SIM_SECRETS.slackSigningSecret,
    overrides.timestamp ?? Math.floor(clock.now().getTime() / 1000),
  );
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
