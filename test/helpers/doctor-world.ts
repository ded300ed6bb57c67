import { configureClients } from '../../lambdas/commons/runtime/client-settings';
import { loadConfig } from '../../lib/cli/config-file';
import { diagnose } from '../../lib/cli/doctor';
import { type CheckResult } from '../../lib/cli/doctor-checkup';
import { emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { type AwsStandinOptions } from '../../lib/sim/standins/standin-types';
import type { SimOrganization } from '../../lib/sim/standins/organization-standin';
import { JiraStandin } from '../../lib/sim/standins/jira-standin';
import { SlackStandin } from '../../lib/sim/standins/slack-standin';

/** The worlds `iam-janitor doctor` is tried in: an installation's stand-ins, healthy or broken one way. */

export const ACCOUNT = '123456789012';
export const ALARM_EMAIL = 'secops@example.com';
export const ALARM_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:IamJanitor-AlarmTopic`;
export const OUTPUTS = {
  CaseTableName: 'IamJanitor-Cases',
  SweepStateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Sweep`,
  CaseStateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Case`,
  SlackSecretName: 'iam-janitor/slack',
  JiraSecretName: 'iam-janitor/jira',
  InventoryRoleArn: `arn:aws:iam::${ACCOUNT}:role/IamJanitor-Inventory`,
  ContextRoleArn: `arn:aws:iam::${ACCOUNT}:role/IamJanitor-Context`,
  AlarmTopicArn: ALARM_TOPIC,
};
const SLACK_TOKEN = 'xoxb-1111-2222-doctor';
const SLACK_SECRET = JSON.stringify({
  slackBotToken: SLACK_TOKEN,
  slackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
});
export const JIRA_SECRET = JSON.stringify({ jiraEmail: 'janitor@example.com', jiraApiToken: 'jira-token' });
const CONFIG = {
  slackChannelId: 'C0123ABCDEF',
  approverSlackUserIds: ['U0123ABCDEF', 'U0456GHIJKL'],
  jiraProjectKey: 'SEC',
  jiraIssueType: 'Task',
  jiraDoneTransition: 'Done',
  alarmEmail: ALARM_EMAIL,
};

interface World {
  aws?: Partial<AwsStandinOptions>;
  channel?: { name: string; isMember: boolean; isPrivate?: boolean };
  people?: Record<string, { deleted?: boolean; isBot?: boolean }>;
  slackScopes?: string[];
  projects?: Record<string, string[]>;
  jiraToken?: string;
  openTicket?: boolean;
  transitions?: { id: string; name: string }[];
  organization?: SimOrganization;
}

const standins: { stop(): Promise<void> }[] = [];
/** The stand-ins of the last run, to see what doctor did to them. */
export let last: { aws: AwsStandin; slack: SlackStandin; jira: JiraStandin };
/** Stops the last run's stand-ins and puts the clients back: every test's afterEach. */
export async function stopWorlds(): Promise<void> {
  await Promise.all(standins.splice(0).map((standin) => standin.stop()));
  configureClients({});
  delete process.env.SLACK_API_URL;
  delete process.env.JIRA_API_URL;
}

export async function doctorIn(world: World = {}): Promise<Record<string, CheckResult>> {
  const config = await worldUp(world);
  const results = await diagnose(config, 'IamJanitor');
  return Object.fromEntries(results.map((result) => [result.check, result]));
}

/** Starts the stand-ins of a world, points the clients at them, and returns its config. */
export async function worldUp(world: World) {
  const aws = new AwsStandin(emptyAccount(ACCOUNT), {
    stacks: { IamJanitor: OUTPUTS },
    secrets: { [OUTPUTS.SlackSecretName]: SLACK_SECRET, [OUTPUTS.JiraSecretName]: JIRA_SECRET },
    roles: { [OUTPUTS.InventoryRoleArn]: {}, [OUTPUTS.ContextRoleArn]: {} },
    topics: { [ALARM_TOPIC]: [{ protocol: 'email', endpoint: ALARM_EMAIL, confirmed: true }] },
    ...(world.organization ? { organization: world.organization } : {}),
    ...world.aws,
  });
  const slack = new SlackStandin(SLACK_TOKEN, {
    channels: { C0123ABCDEF: world.channel ?? { name: 'iam-review', isMember: true } },
    people: world.people ?? { U0123ABCDEF: {}, U0456GHIJKL: {} },
    ...(world.slackScopes ? { scopes: world.slackScopes } : {}),
  });
  const jira = new JiraStandin('janitor@example.com', world.jiraToken ?? 'jira-token');
  jira.projects = world.projects ?? { SEC: ['Task', 'Bug'] };
  if (world.transitions) jira.transitions = world.transitions;
  for (const standin of [aws, slack, jira]) {
    await standin.start();
    standins.push(standin);
  }
  if (world.openTicket !== false)
    jira.issues.set('SEC-7', {
      key: 'SEC-7',
      fields: {
        project: { key: 'SEC' },
        issuetype: { name: 'Task' },
        summary: 'x',
        description: null,
        labels: ['iam-janitor'],
      },
      comments: [],
      status: 'To Do',
    });
  configureClients({
    endpoints: Object.fromEntries(
      (['cloudformation', 'secretsmanager', 'iam', 'cloudtrail', 'organizations', 'sts', 'sns'] as const).map(
        (service) => [service, aws.url],
      ),
    ),
    // The operator's credentials; in organization mode the member roles trust them (reportPrincipalArns).
    credentials: { accessKeyId: 'AKIAOPERATORSESSION0', secretAccessKey: 'operator' },
    region: 'us-east-1',
  });
  process.env.SLACK_API_URL = `${slack.url}/api/`;
  process.env.JIRA_API_URL = jira.url;
  const config = world.organization
    ? loadConfig({ ...CONFIG, deploymentMode: 'organization', memberRoleName: 'iam-janitor-member' } as never)
    : loadConfig(CONFIG);
  last = { aws, slack, jira };
  return config;
}

export const verdicts = (results: Record<string, CheckResult>) =>
  Object.fromEntries(Object.entries(results).map(([check, result]) => [check, result.verdict]));
