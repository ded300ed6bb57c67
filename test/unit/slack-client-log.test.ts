import { callSlack, slackClient } from '../../lambdas/commons/slack/client';
import { logger } from '../../lambdas/commons/runtime/observability';
import { createServer } from 'node:net';

/**
 * The Slack client's own log and the errors callSlack throws never carry the bot token, even one the
 * HTTP stack refuses and quotes whole (a token with a line break), and even at DEBUG.
 */
describe('the Slack client log', () => {
  const written: string[] = [];
  let spies: jest.SpyInstance[] = [];
  beforeEach(async () => {
    process.env.SLACK_RETRIES = '0';
    // A port just freed, where nothing listens: a request that is sent at all is refused.
    process.env.SLACK_API_URL = `http://127.0.0.1:${await freedPort()}/api/`;
    logger.setLogLevel('DEBUG');
    const keep = (...parts: unknown[]) => void written.push(parts.map(String).join(' '));
    spies = [
      ...(['stdout', 'stderr'] as const).map((stream) =>
        jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
          keep(chunk);
          return true;
        }),
      ),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
        jest.spyOn(console, method).mockImplementation(keep),
      ),
    ];
  });
  afterEach(() => {
    spies.forEach((spy) => spy.mockRestore());
    logger.setLogLevel('SILENT');
    written.length = 0;
    delete process.env.SLACK_RETRIES;
    delete process.env.SLACK_API_URL;
  });

  const post = async (token: string) => {
    const slack = await slackClient(token);
    return callSlack('post the request', () => slack.chat.postMessage({ channel: 'C1', text: 'hi' })).catch(
      (error: unknown) => error as Error,
    );
  };

  it('neither logs nor throws a token no HTTP header may carry', async () => {
    // GIVEN a token holding CR/LF, which fetch refuses while building the Authorization header
    const error = await post('xoxb-SECRET\r\nX');
    // THEN the error says Slack was not reached, and nothing written holds any part of the token
    expect(error).toMatchObject({ name: 'SlackUnavailableError' });
    expect(error?.message).toBe('Slack did not answer "post the request": no answer');
    expect(written.join('\n')).not.toContain('SECRET');
  });

  it("drops the request log even at DEBUG, and keeps none of a network error's words", async () => {
    const error = await post('xoxb-1111-SECRET');
    expect(error?.message).toBe('Slack did not answer "post the request": no answer');
    const all = written.join('\n');
    expect(all).not.toContain('SECRET');
    // The client's warning is kept, in its own words only.
    expect(all).toContain('"slackClient":"http request failed"');
  });
});

async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}
