import type { IncomingHttpHeaders } from 'node:http';
import { HttpStandin, parseSlackBody } from './http-standin';

export interface SlackPost {
  method: string;
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  text: string;
  blocks?: Record<string, unknown>[];
}

/**
 * A Slack Web API stand-in: records every message, keeps each message's latest version, and can fail
 * its first N calls (HTTP 500) to exercise the retries.
 */
export class SlackStandin extends HttpStandin {
  readonly posts: SlackPost[] = [];
  readonly messages = new Map<string, SlackPost>();
  failuresLeft = 0;
  /**
   * Called after a message is posted, before Slack answers; true loses the answer (HTTP 500 after
   * the message is in the channel), as a timeout or a dropped connection would.
   */
  loseAnswer?: (post: SlackPost) => Promise<boolean>;
  private counter = 0;

  constructor(private readonly botToken = 'xoxb-sim-token') {
    super();
  }

  protected async route(method: string, url: URL, body: string, headers: IncomingHttpHeaders) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return { status: 500, body: { ok: false, error: 'internal_error' } };
    }
    const api = url.pathname.replace(/^\/(api\/)?/, '');
    if (headers.authorization !== `Bearer ${this.botToken}`)
      return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const fields = parseSlackBody(body, headers['content-type']);
    const channel = String(fields.channel ?? '');
    const post = (ts: string): SlackPost => ({
      method: api,
      channel,
      ts,
      threadTs: fields.thread_ts as string | undefined,
      user: fields.user as string | undefined,
      text: String(fields.text ?? ''),
      blocks: fields.blocks as Record<string, unknown>[] | undefined,
    });
    switch (api) {
      case 'chat.postMessage': {
        const ts = `1763802000.${String(++this.counter).padStart(6, '0')}`;
        const message = post(ts);
        this.posts.push(message);
        if (!message.threadTs) this.messages.set(ts, message);
        if (await this.loseAnswer?.(message))
          return { status: 500, body: { ok: false, error: 'internal_error' } };
        return { status: 200, body: { ok: true, channel, ts, message: { text: message.text } } };
      }
      case 'chat.update': {
        const ts = String(fields.ts);
        if (!this.messages.has(ts)) return { status: 200, body: { ok: false, error: 'message_not_found' } };
        const message = post(ts);
        this.posts.push(message);
        this.messages.set(ts, message);
        return { status: 200, body: { ok: true, channel, ts } };
      }
      case 'users.info': {
        // Every simulated person's e-mail is <user id, lower case>@example.com.
        const user = String(fields.user ?? '');
        if (!/^[UW][A-Z0-9]{8,}$/.test(user))
          return { status: 200, body: { ok: false, error: 'user_not_found' } };
        return {
          status: 200,
          body: { ok: true, user: { id: user, profile: { email: `${user.toLowerCase()}@example.com` } } },
        };
      }
      case 'chat.postEphemeral': {
        this.posts.push(post(`eph.${++this.counter}`));
        return { status: 200, body: { ok: true, message_ts: `eph.${this.counter}` } };
      }
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  }

  /** Posts of one kind, e.g. the thread replies to a message. */
  threadOf(ts: string): SlackPost[] {
    return this.posts.filter((post) => post.threadTs === ts);
  }
}
