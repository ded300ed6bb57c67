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

/** A simulated person's name: the same for an id on every run. */
function personName(userId: string): string {
  const names = ['Ana Lima', 'Ben Okafor', 'Chen Wei', 'Dana Cohen', 'Eli Novak', 'Farah Haddad'];
  return names[[...userId].reduce((sum, char) => sum + char.charCodeAt(0), 0) % names.length]!;
}

/**
 * A Slack Web API stand-in: records every message, keeps each message's latest version, and can fail
 * its first N calls (HTTP 500) to exercise the retries.
 */
export class SlackStandin extends HttpStandin {
  readonly posts: SlackPost[] = [];
  readonly messages = new Map<string, SlackPost>();
  /** Every message as it shows now, in the channel or in a thread: what a person can click. */
  readonly shown = new Map<string, SlackPost>();
  failuresLeft = 0;
  /** Calls answered 500 by `failuresLeft`: the faults this stand-in injected. */
  failedCalls = 0;
  /**
   * Called after a message is posted, before Slack answers; true loses the answer (HTTP 500 after
   * the message is in the channel), as a timeout or a dropped connection would.
   */
  loseAnswer?: (post: SlackPost) => Promise<boolean>;
  private counter = 0;

  /**
   * `channels` and `people`, when given, are the only ones Slack knows (conversations.info and
   * users.info answer channel_not_found and user_not_found for the rest; a private channel the bot
   * is not in is channel_not_found to it); when not given, every well-formed id exists and the bot
   * is in every channel.
   */
  constructor(
    private readonly botToken = 'xoxb-sim-token',
    private readonly workspace: {
      channels?: Record<string, { name: string; isMember: boolean; isPrivate?: boolean }>;
      people?: Record<string, { deleted?: boolean; isBot?: boolean }>;
      /** The bot token's scopes, when they matter: conversations.info needs channels:read. */
      scopes?: string[];
    } = {},
  ) {
    super();
  }

  protected async route(method: string, url: URL, body: string, headers: IncomingHttpHeaders) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      this.failedCalls++;
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
        this.shown.set(ts, message);
        if (await this.loseAnswer?.(message))
          return { status: 500, body: { ok: false, error: 'internal_error' } };
        return { status: 200, body: { ok: true, channel, ts, message: { text: message.text } } };
      }
      case 'chat.update':
        return this.update(fields, post);
      case 'users.info':
        return this.userInfo(String(fields.user ?? ''));
      case 'auth.test':
        return {
          status: 200,
          body: {
            ok: true,
            url: 'https://sim.slack.com/',
            team: 'Sim',
            user: 'iam-janitor',
            team_id: 'T0SIM0000',
            user_id: 'U0BOT00000',
            bot_id: 'B0BOT00000',
          },
        };
      case 'conversations.info':
        return this.conversationInfo(channel);
      case 'chat.postEphemeral': {
        this.posts.push(post(`eph.${++this.counter}`));
        return { status: 200, body: { ok: true, message_ts: `eph.${this.counter}` } };
      }
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  }

  /** chat.update: the message named by channel and ts, replaced where it is. */
  private update(fields: Record<string, unknown>, post: (ts: string) => SlackPost) {
    const channel = String(fields.channel ?? '');
    // Slack's chat.update needs both: the channel the message is in (channel_not_found, "Value
    // passed for channel was invalid") and its ts (message_not_found, "No message exists with
    // the requested timestamp"), also for a message someone deleted.
    if (!channel || (this.workspace.channels && !this.workspace.channels[channel]))
      return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    const ts = typeof fields.ts === 'string' ? fields.ts : '';
    const before = this.shown.get(ts);
    if (!before || before.channel !== channel)
      return { status: 200, body: { ok: false, error: 'message_not_found' } };
    // Slack's chat.update: text or blocks is required (no_text); blocks left out keep the
    // message's blocks ("To remove previous blocks, include an empty array"), so an update that
    // sends text alone leaves the buttons live. It keeps the message where it is: a thread reply
    // stays in its thread.
    if (fields.text === undefined && fields.blocks === undefined)
      return { status: 200, body: { ok: false, error: 'no_text' } };
    const updated = post(ts);
    const message = {
      ...updated,
      threadTs: before.threadTs,
      blocks: fields.blocks === undefined ? before.blocks : updated.blocks,
    };
    this.posts.push(message);
    if (!message.threadTs) this.messages.set(ts, message);
    this.shown.set(ts, message);
    return { status: 200, body: { ok: true, channel, ts } };
  }

  /** users.info: every simulated person's e-mail is <user id, lower case>@example.com; their name is personName's. */
  private userInfo(user: string) {
    const person = this.workspace.people ? this.workspace.people[user] : {};
    if (!/^[UW][A-Z0-9]{8,}$/.test(user) || !person)
      return { status: 200, body: { ok: false, error: 'user_not_found' } };
    return {
      status: 200,
      body: {
        ok: true,
        user: {
          id: user,
          deleted: person.deleted ?? false,
          is_bot: person.isBot ?? false,
          real_name: personName(user),
          profile: { email: `${user.toLowerCase()}@example.com`, real_name: personName(user) },
        },
      },
    };
  }

  /** conversations.info, which needs channels:read: a private channel the bot is not in is not found. */
  private conversationInfo(channel: string) {
    if (this.workspace.scopes && !this.workspace.scopes.includes('channels:read'))
      return { status: 200, body: { ok: false, error: 'missing_scope', needed: 'channels:read' } };
    const found = this.workspace.channels
      ? this.workspace.channels[channel]
      : { name: 'iam-janitor', isMember: true };
    if (!found || (found.isPrivate && !found.isMember))
      return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    return {
      status: 200,
      body: {
        ok: true,
        channel: {
          id: channel,
          name: found.name,
          is_private: found.isPrivate ?? false,
          is_member: found.isMember,
        },
      },
    };
  }

  /** A person deletes a message in Slack: it is shown no more, and nothing can update it. */
  deleteMessage(ts: string): void {
    this.shown.delete(ts);
    this.messages.delete(ts);
  }

  /** Every message shown now that still carries a button: what a person can still click. */
  withButtons(): SlackPost[] {
    return [...this.shown.values()].filter((post) =>
      (post.blocks ?? []).some((block) => block.type === 'actions'),
    );
  }

  /** Posts of one kind, e.g. the thread replies to a message. */
  threadOf(ts: string): SlackPost[] {
    return this.posts.filter((post) => post.threadTs === ts);
  }
}
