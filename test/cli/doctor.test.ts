import {
  stopWorlds,
  ACCOUNT,
  ALARM_EMAIL,
  ALARM_TOPIC,
  OUTPUTS,
  JIRA_SECRET,
  last,
  doctorIn,
  worldUp,
  verdicts,
} from '../helpers/doctor-world';
import { DOCTOR_CHECKS } from '../../lib/cli/doctor-checkup';
import { main } from '../../lib/cli/main';
import { emptyAccount } from '../../lib/sim/account';
import type { SimOrganization } from '../../lib/sim/standins/organization-standin';

/**
 * `iam-janitor doctor` against the stand-ins: a healthy installation passes every check, and each
 * check fails, with what to do, when the one thing it checks is broken.
 */
afterEach(stopWorlds);

describe('iam-janitor doctor', () => {
  beforeAll(() => (process.env.SLACK_RETRIES = '0'));
  afterAll(() => delete process.env.SLACK_RETRIES);

  it('passes every check on a healthy installation, and changes nothing', async () => {
    const results = await doctorIn();
    expect(verdicts(results)).toEqual({
      'Stack outputs': 'ok',
      'Slack secret': 'ok',
      'Jira secret': 'ok',
      'Slack token': 'ok',
      'Slack channel': 'ok',
      'Slack approvers': 'ok',
      'Jira credentials': 'ok',
      'Jira project': 'ok',
      'Jira transition': 'ok',
      'AWS reads': 'ok',
      Alarms: 'ok',
    });
    expect(results['Slack channel']!.detail).toBe('the bot is in #iam-review');
    expect(results['Jira transition']!.detail).toBe('SEC-7 offers "Done"');
    // Read-only: no IAM change, no Slack post, no Jira write.
    expect(last.aws.mutatingCalls()).toEqual([]);
    expect(last.slack.posts).toEqual([]);
    expect(
      last.jira.requests.filter(
        (request) => request.method !== 'GET' && !request.path.endsWith('/search/jql'),
      ),
    ).toEqual([]);
    expect([...last.jira.issues.values()].map((issue) => issue.status)).toEqual(['To Do']);
  });

  it('prints a mark and a line per check, and a tally, from the cdk.json config', async () => {
    await worldUp({ transitions: [{ id: '41', name: 'Resolve' }] });
    const out: string[] = [];
    const code = await main(['doctor'], {
      stdout: (text) => out.push(text),
      stderr: (text) => out.push(text),
    });
    const lines = out.join('\n').split('\n');
    expect(code).toBe(1);
    expect(lines[0]).toBe('iam-janitor doctor: stack IamJanitor, account mode. Every check only reads.');
    expect(lines.filter((line) => line.startsWith('✓ '))).toHaveLength(9);
    // The shipped cdk.json sets no alarmEmail: the alarms notify nobody.
    expect(lines.filter((line) => line.startsWith('✗ Alarms: no alarmEmail in the config'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('✗ ')).map((line) => line.split(':')[0])).toEqual([
      '✗ Jira transition',
      '✗ Alarms',
    ]);
    expect(lines).toContain(
      '✗ Jira transition: SEC-7 offers no transition "Done" (it offers Resolve). Set jiraDoneTransition to the one that closes a ticket.',
    );
    expect(lines.at(-1)).toBe('9 passed, 2 failed, 0 not checked.');
  });

  it('names a stack that is not deployed, and checks nothing that needs its outputs', async () => {
    const results = await doctorIn({ aws: { stacks: {} } });
    expect(results['Stack outputs']).toMatchObject({ verdict: 'failed' });
    expect(results['Stack outputs']!.detail).toMatch(/no stack IamJanitor in us-east-1\. Deploy it/);
    expect(Object.values(results).filter((result) => result.verdict === 'not checked')).toHaveLength(10);
  });

  it('says which outputs an older deployment lacks', async () => {
    const older: Partial<typeof OUTPUTS> = { ...OUTPUTS };
    delete older.InventoryRoleArn;
    delete older.ContextRoleArn;
    const results = await doctorIn({ aws: { stacks: { IamJanitor: older } } });
    expect(results['Stack outputs']!.detail).toContain('lacks the outputs InventoryRoleArn, ContextRoleArn');
  });

  it('fails a secret still holding its placeholder, naming the keys, never a value', async () => {
    const results = await doctorIn({
      aws: {
        secrets: {
          [OUTPUTS.SlackSecretName]: JSON.stringify({
            slackBotToken: 'xoxp-user-token',
            slackSigningSecret: 'short',
          }),
          [OUTPUTS.JiraSecretName]: 'CHANGE ME',
        },
      },
    });
    expect(results['Slack secret']!.verdict).toBe('failed');
    expect(results['Slack secret']!.detail).toMatch(/slackBotToken must be the bot token \(xoxb-…\)/);
    expect(results['Slack secret']!.detail).toMatch(/slackSigningSecret must be/);
    expect(results['Slack secret']!.detail).not.toContain('xoxp-user-token');
    expect(results['Jira secret']!.detail).toMatch(/jiraEmail is missing; jiraApiToken is missing/);
    expect(results['Slack token']).toMatchObject({
      verdict: 'not checked',
      detail: 'needs a well-formed Slack secret',
    });
    expect(results['Jira credentials']!.verdict).toBe('not checked');
  });

  it('fails a bot token Slack refuses', async () => {
    const results = await doctorIn({
      aws: {
        secrets: {
          [OUTPUTS.SlackSecretName]: JSON.stringify({
            slackBotToken: 'xoxb-revoked',
            slackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
          }),
          [OUTPUTS.JiraSecretName]: JIRA_SECRET,
        },
      },
    });
    expect(results['Slack token']!.detail).toMatch(/Slack refused the bot token \(invalid_auth\)/);
    expect(results['Slack channel']!.verdict).toBe('not checked');
  });

  it('fails when the bot is not in the channel, and when a private channel hides from it', async () => {
    const outside = await doctorIn({ channel: { name: 'iam-review', isMember: false } });
    expect(outside['Slack channel']!.verdict).toBe('failed');
    expect(outside['Slack channel']!.detail).toContain('not a member of #iam-review: type /invite');
    const hidden = await doctorIn({ channel: { name: 'secret', isMember: false, isPrivate: true } });
    expect(hidden['Slack channel']!.detail).toContain('channel_not_found');
  });

  it('says the channel was not checked, and how to check it, when the app may not read channels', async () => {
    // The shipped manifest's scopes: chat:write, users:read, users:read.email.
    const results = await doctorIn({ slackScopes: ['chat:write', 'users:read', 'users:read.email'] });
    expect(results['Slack channel']!.verdict).toBe('not checked');
    expect(results['Slack channel']!.detail).toMatch(
      /no channels:read .* check by hand that the bot is in C0123ABCDEF/,
    );
  });

  it('names each approver who does not exist, is deactivated, or is a bot', async () => {
    const results = await doctorIn({
      people: { U0123ABCDEF: { deleted: true }, U0999BOTBOT: { isBot: true } },
    });
    expect(results['Slack approvers']!.verdict).toBe('failed');
    expect(results['Slack approvers']!.detail).toContain(
      'U0123ABCDEF is deactivated; U0456GHIJKL does not exist',
    );
  });

  it('fails Jira credentials that Jira refuses, and checks nothing else there', async () => {
    const results = await doctorIn({ jiraToken: 'another-token' });
    expect(results['Jira credentials']!.detail).toMatch(/refused the account in the Jira secret \(HTTP 401/);
    expect(results['Jira project']!.verdict).toBe('not checked');
    expect(results['Jira transition']!.verdict).toBe('not checked');
  });

  it('fails a project that does not exist, and an issue type the project lacks', async () => {
    const missing = await doctorIn({ projects: { OPS: ['Task'] } });
    expect(missing['Jira project']!.detail).toMatch(
      /no project SEC that the account in the Jira secret can browse \(HTTP 404/,
    );
    const noTask = await doctorIn({ projects: { SEC: ['Bug', 'Epic'] } });
    expect(noTask['Jira project']!.detail).toContain('has no issue type "Task" (it has Bug, Epic)');
  });

  it('fails a done transition the tickets do not offer, and says when there is no ticket yet', async () => {
    const wrong = await doctorIn({ transitions: [{ id: '41', name: 'Resolve' }] });
    expect(wrong['Jira transition']!.detail).toContain(
      'SEC-7 offers no transition "Done" (it offers Resolve)',
    );
    const none = await doctorIn({ openTicket: false });
    expect(none['Jira transition']!.verdict).toBe('not checked');
    expect(none['Jira transition']!.detail).toMatch(/no open iam-janitor ticket yet/);
  });

  it('fails a role that may not make its reads, and says when an SCP is the cause', async () => {
    const results = await doctorIn({
      aws: {
        roles: {
          [OUTPUTS.InventoryRoleArn]: { implicitlyDenied: ['iam:GenerateCredentialReport'] },
          [OUTPUTS.ContextRoleArn]: { deniedByOrganizations: ['cloudtrail:LookupEvents'] },
        },
      },
    });
    expect(results['AWS reads']!.verdict).toBe('failed');
    expect(results['AWS reads']!.detail).toContain(
      'IamJanitor-Inventory may not iam:GenerateCredentialReport (implicitDeny',
    );
    expect(results['AWS reads']!.detail).toContain(
      'IamJanitor-Context may not cloudtrail:LookupEvents (an SCP',
    );
  });

  it('in organization mode, names each member account whose reader role cannot be assumed', async () => {
    const member = (accountId: string, name: string, memberRoles = true) => ({
      accountId,
      name,
      parentId: 'r-sim1',
      account: emptyAccount(accountId),
      memberRoles,
    });
    const organization: SimOrganization & { members: SimOrganization['members'][number][] } = {
      id: 'o-a1b2c3d4e5',
      managementAccountId: ACCOUNT,
      rootId: 'r-sim1',
      units: [],
      members: [member('111111111111', 'Payments'), member('333333333333', 'Legacy', false)],
      memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
      externalId: 'iam-janitor',
    };
    const reads = (await doctorIn({ organization }))['AWS reads']!;
    expect(reads.verdict).toBe('failed');
    expect(reads.detail).toMatch(
      /^1 member account of 2 failed: 333333333333 \(Legacy\): The member role could not be assumed/,
    );

    organization.members.pop();
    const healthy = (await doctorIn({ organization }))['AWS reads']!;
    expect(healthy).toMatchObject({
      verdict: 'ok',
      detail: '1 member account: reader role assumed, credential report and CloudTrail readable',
    });
  });

  it('fails alarms that reach nobody: no alarmEmail, or a subscription never confirmed', async () => {
    const pending = await doctorIn({
      aws: { topics: { [ALARM_TOPIC]: [{ protocol: 'email', endpoint: ALARM_EMAIL, confirmed: false }] } },
    });
    expect(pending.Alarms!.verdict).toBe('failed');
    expect(pending.Alarms!.detail).toContain(`${ALARM_EMAIL} has not confirmed its subscription`);
    expect(pending.Alarms!.detail).toContain(`aws sns subscribe --topic-arn ${ALARM_TOPIC} --protocol email`);
    const other = await doctorIn({
      aws: {
        topics: { [ALARM_TOPIC]: [{ protocol: 'email', endpoint: 'someone@example.com', confirmed: true }] },
      },
    });
    expect(other.Alarms!.detail).toContain(`${ALARM_EMAIL} is not subscribed to ${ALARM_TOPIC}`);
  });

  it('describes every check under --help', async () => {
    const out: string[] = [];
    const code = await main(['doctor', '--help'], { stdout: (text) => out.push(text), stderr: () => {} });
    expect(code).toBe(0);
    for (const check of [
      'Stack outputs',
      'Slack secret',
      'Jira secret',
      'Slack token',
      'Slack channel',
      'Slack approvers',
      'Jira credentials',
      'Jira project',
      'Jira transition',
      'AWS reads',
    ])
      expect(out.join('\n')).toContain(`  ${check}: `);
    expect(Object.keys(DOCTOR_CHECKS)).toHaveLength(11);
  });
});
