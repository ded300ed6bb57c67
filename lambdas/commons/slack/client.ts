import type { Logger, LogLevel, WebClient } from '@slack/web-api';
import type { SlackMessage } from './messages';
import { SlackUnavailableError } from '../runtime/errors';
import { logger } from '../runtime/observability';

/**
 * The Slack Web API client. SLACK_API_URL points it at a stand-in in tests and the simulator; a
 * few quick retries here, and the state machine's retries beyond, keep each Lambda within its timeout.
 */
export async function slackClient(token: string): Promise<WebClient> {
  // Loaded on first use: the Slack client and its HTTP stack are a large share of a cold start.
  const { WebClient } = await import('@slack/web-api');
  return new WebClient(token, {
    slackApiUrl: process.env.SLACK_API_URL ?? 'https://slack.com/api/',
    retryConfig: {
      retries: Number(process.env.SLACK_RETRIES ?? 2),
      factor: 2,
      minTimeout: 200,
      maxTimeout: 2000,
    },
    rejectRateLimitedCalls: false,
    logger: quietLogger(token),
  });
}

/**
 * The Slack client's own log, made safe: its debug lines print each request's headers and body, and
 * its warning on a failed request quotes the HTTP stack's error, which holds the whole Authorization
 * header when the token is one no header may carry. Debug and info are dropped; a warning or error
 * keeps only its first argument (the client's fixed words, or a warning Slack itself sent), and not
 * even that if it holds the token.
 */
function quietLogger(token: string): Logger {
  // The client never reads or sets a level on a logger it is given; kept only to honour the interface.
  let level = 'warn' as LogLevel;
  const note = (message: unknown) => {
    const words = typeof message === 'string' && !message.includes(token) ? message : 'no words kept';
    logger.warn('the Slack client warned', { slackClient: words });
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: note,
    error: note,
    setLevel: (next) => (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * What went wrong with a Slack call, in Slack's words or an HTTP status, never the HTTP stack's
 * message: that one can quote the request's headers, the bot token among them.
 */
export function slackFailure(error: unknown): string {
  const failure = error as { code?: string; data?: { error?: string }; statusCode?: number };
  if (failure.code === 'slack_webapi_platform_error') return failure.data?.error ?? 'an unnamed error';
  if (failure.code === 'slack_webapi_http_error') return `HTTP ${failure.statusCode}`;
  if (failure.code === 'slack_webapi_rate_limited_error') return 'rate limited';
  return 'no answer';
}

/** Outages become SlackUnavailableError (retried by the state machine); Slack's refusals fail at once. */
export async function callSlack<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const platformError = (error as { data?: { error?: string } }).data?.error;
    if (code === 'slack_webapi_platform_error') {
      if (
        platformError === 'ratelimited' ||
        platformError === 'internal_error' ||
        platformError === 'fatal_error'
      ) {
        throw new SlackUnavailableError(`Slack could not ${what}: ${platformError}`);
      }
      // No { cause }: the HTTP client's error holds the request, Authorization header included.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`Slack refused to ${what}: ${platformError}`);
    }
    throw new SlackUnavailableError(`Slack did not answer "${what}": ${slackFailure(error)}`);
  }
}

/**
 * Replaces the approval message in place (a retry's refresh, the decision, the expiry): the one
 * way iam-janitor edits a message it posted.
 */
export function updateMessage(
  slack: WebClient,
  where: { readonly channel: string; readonly ts: string },
  message: SlackMessage,
  what: string,
): Promise<unknown> {
  return callSlack(what, () =>
    slack.chat.update({
      channel: where.channel,
      ts: where.ts,
      text: message.text,
      blocks: message.blocks as never,
    }),
  );
}
