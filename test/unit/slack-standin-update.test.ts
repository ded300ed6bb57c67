import { WebClient } from '@slack/web-api';
import { SlackStandin } from '../../lib/sim/standins/slack-standin';

/**
 * The stand-in answers chat.update as Slack's reference does: it needs the channel the message is
 * in (channel_not_found, "Value passed for channel was invalid") and the ts of a message that
 * exists (message_not_found, "No message exists with the requested timestamp"), a deleted one
 * included; text or blocks (no_text); blocks left out keep the old ones.
 */
describe('the Slack stand-in, on chat.update', () => {
  const slack = new SlackStandin('xoxb-test', { channels: { C0KNOWN000: { name: 'ops', isMember: true } } });
  let client: WebClient;
  beforeAll(async () => {
    await slack.start();
    client = new WebClient('xoxb-test', { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
  });
  afterAll(() => slack.stop());

  /** What Slack answered: ok, or the error code. */
  const update = (args: Record<string, unknown>) =>
    client
      .apiCall('chat.update', args)
      .then(() => 'ok')
      .catch((error: { data?: { error?: string } }) => error.data?.error ?? 'no answer');

  async function posted(): Promise<string> {
    const answer = await client.chat.postMessage({
      channel: 'C0KNOWN000',
      text: 'trip',
      blocks: [{ type: 'actions', elements: [] }],
    });
    return answer.ts!;
  }

  it('refuses an update without a channel, or in a channel Slack does not know', async () => {
    const ts = await posted();
    expect(await update({ ts, text: 'x' })).toBe('channel_not_found');
    expect(await update({ channel: 'C0UNKNOWN0', ts, text: 'x' })).toBe('channel_not_found');
  });

  it('refuses an update without a ts, of a ts that never was, and of a deleted message', async () => {
    const ts = await posted();
    expect(await update({ channel: 'C0KNOWN000', text: 'x' })).toBe('message_not_found');
    expect(await update({ channel: 'C0KNOWN000', ts: '1.000001', text: 'x' })).toBe('message_not_found');
    slack.deleteMessage(ts);
    expect(await update({ channel: 'C0KNOWN000', ts, text: 'x' })).toBe('message_not_found');
  });

  it('refuses an update with neither text nor blocks, and keeps the blocks an update leaves out', async () => {
    const ts = await posted();
    expect(await update({ channel: 'C0KNOWN000', ts })).toBe('no_text');
    expect(await update({ channel: 'C0KNOWN000', ts, text: 'new words' })).toBe('ok');
    expect(slack.shown.get(ts)).toMatchObject({ text: 'new words', blocks: [{ type: 'actions' }] });
  });
});
