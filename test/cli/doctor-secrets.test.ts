import { stopWorlds, OUTPUTS, JIRA_SECRET, worldUp } from '../helpers/doctor-world';
import { main } from '../../lib/cli/main';

/**
 * `iam-janitor doctor --json` never prints a secret's value, whatever it holds: a bot token with a
 * line break (which the HTTP stack refuses and quotes whole), or a token pasted into the e-mail field.
 * Everything written anywhere (stdout, stderr, the console, the Slack client's own log) is read.
 */
afterEach(stopWorlds);
beforeAll(() => (process.env.SLACK_RETRIES = '0'));
afterAll(() => delete process.env.SLACK_RETRIES);

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/** Runs `doctor --json` with these secrets stored, and returns its results and every byte written. */
async function doctorWith(secrets: { slack: object; jira: string }) {
  await worldUp({
    aws: {
      secrets: {
        [OUTPUTS.SlackSecretName]: JSON.stringify(secrets.slack),
        [OUTPUTS.JiraSecretName]: secrets.jira,
      },
    },
  });
  const written: string[] = [];
  const keep = (...parts: unknown[]) => void written.push(parts.map(String).join(' '));
  const spies = [
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
  const out: string[] = [];
  try {
    await main(['doctor', '--json'], { stdout: (text) => out.push(text), stderr: (text) => out.push(text) });
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  const results = JSON.parse(out.join('\n')) as { check: string; verdict: string; detail: string }[];
  return {
    results: Object.fromEntries(results.map((result) => [result.check, result])),
    all: out.concat(written).join('\n'),
  };
}

describe('doctor never prints a secret', () => {
  it('says a stored bot token holds a character no header may carry, without any part of it', async () => {
    // GIVEN a bot token pasted with a line break inside it
    const { results, all } = await doctorWith({
      slack: { slackBotToken: 'xoxb-SECRET\r\nX', slackSigningSecret: SIGNING_SECRET },
      jira: JIRA_SECRET,
    });
    // THEN the Slack secret fails, saying what is wrong, and no output or log holds the token
    expect(results['Slack secret']).toMatchObject({ verdict: 'failed' });
    expect(results['Slack secret']!.detail).toContain(
      'slackBotToken holds a character not allowed in an HTTP header',
    );
    expect(results['Slack token']).toMatchObject({ verdict: 'not checked' });
    expect(all).not.toContain('SECRET');
  });

  it('does not echo a token pasted into the Jira e-mail field', async () => {
    const { results, all } = await doctorWith({
      slack: { slackBotToken: 'xoxb-1111-2222-doctor', slackSigningSecret: SIGNING_SECRET },
      jira: JSON.stringify({ jiraEmail: 'janitor@example.com:ATATT-SECRET', jiraApiToken: 'jira-token' }),
    });
    expect(results['Jira secret']!.detail).toContain('jiraEmail must be the e-mail of the Jira account');
    expect(all).not.toContain('SECRET');
  });

  it('names the Jira account only as the one in the secret, even when it works', async () => {
    const { results, all } = await doctorWith({
      slack: { slackBotToken: 'xoxb-1111-2222-doctor', slackSigningSecret: SIGNING_SECRET },
      jira: JIRA_SECRET,
    });
    expect(results['Jira credentials']).toMatchObject({
      verdict: 'ok',
      detail: 'the account in the Jira secret, at https://example.atlassian.net',
    });
    expect(all).not.toContain('janitor@example.com');
    expect(all).not.toContain('xoxb-1111-2222-doctor');
  });
});
