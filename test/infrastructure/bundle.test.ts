import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parseConfig } from '../../lambdas/commons/config/config';
import { esbuildOptions } from '../../lib/infra/janitor-function';
import { handlerEntry } from '../../lib/infra/lambdas';
import { emptyAccount, addUser } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { lambdaContext } from '../../lib/sim/handlers';
import { SlackStandin } from '../../lib/sim/standins/slack-standin';
import { VALID_CONFIG } from '../helpers/stack';
import { JiraStandin } from '../../lib/sim/standins/jira-standin';

/** Builds an entry exactly as the stack bundles the Lambdas, in a fresh folder. */
async function bundle(entry: string) {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-bundle-')), 'index.js');
  const result = await build(esbuildOptions(entry, outfile));
  const { inputs } = Object.values(result.metafile.outputs)[0]!;
  return { outfile, inputs, text: fs.readFileSync(outfile, 'utf8') };
}

const bytesFrom = (inputs: Record<string, { bytesInOutput: number }>, folder: string) =>
  Object.entries(inputs)
    .filter(([file]) => file.includes(`node_modules/${folder}/`))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

/**
 * Invokes a bundled handler in a Node process of its own, configured as Lambda configures a function:
 * through its environment only (the bundle has its own copy of every module).
 */
async function invokeBundle<T>(
  outfile: string,
  name: string,
  event: unknown,
  environment: Record<string, string>,
): Promise<T> {
  const context = { ...lambdaContext(name) };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(__dirname, '..', 'fixtures', 'invoke-bundle.js'),
      outfile,
      JSON.stringify(event),
      JSON.stringify(context),
    ],
    { env: { ...process.env, ...environment } },
  );
  return JSON.parse(stdout) as T;
}

describe('the Jira client and the shims the bundles use', () => {
  it('gives jira.js everything it calls on zod and its five API groups, so a bundled Jira client works', async () => {
    // GIVEN a bundle built exactly as the Lambdas are, holding our Jira client and our schemas
    const { outfile, inputs } = await bundle(path.join(__dirname, '..', 'fixtures', 'bundle-entry.ts'));
    // THEN zod is shaken down: without the shim it weighs about 450 KB on its own
    expect(bytesFrom(inputs, 'zod')).toBeLessThan(150 * 1024);
    // AND jira.js is the client and its five groups: its Version3Client, every group built in its
    // constructor, weighs about 330 KB
    expect(bytesFrom(inputs, 'jira.js')).toBeLessThan(60 * 1024);
    expect(Object.keys(inputs).filter((file) => file.includes('jira.js/dist/esm/version3/client/'))).toEqual(
      [],
    );
    // AND axios takes Node's own FormData, so form-data's mime-db (137 KB) is not read at cold start
    expect(bytesFrom(inputs, 'mime-db')).toBe(0);
    expect(bytesFrom(inputs, 'form-data')).toBe(0);

    // AND the bundled client talks to Jira
    const jira = new JiraStandin('bot@example.com', 'token');
    await jira.start();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as {
        search: (host: string) => Promise<number>;
        fileAndComment: (host: string) => Promise<string>;
        parse: (value: unknown) => unknown;
      };
      expect(await bundled.search(jira.url)).toBe(0);
      const key = await bundled.fileAndComment(jira.url);
      expect(jira.issues.get(key)?.fields.summary).toBe('bundled');
      expect(jira.issues.get(key)?.comments).toHaveLength(1);
      expect(() => bundled.parse({ thresholdDays: 0 })).toThrow(/thresholdDays/);
    } finally {
      await jira.stop();
    }
  }, 60_000);
});

describe('a real handler, bundled as it is deployed', () => {
  it('runs in its bundle: the weekly summary reads the case table and the secret and posts to Slack', async () => {
    // GIVEN the summary Lambda bundled exactly as the stack bundles it (its dynamic imports of the
    // Slack client and the secrets provider included), and the services it calls, on this machine
    const { outfile } = await bundle(handlerEntry('summary'));
    const dynamo = await startDynamo();
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-janitor-slack';
    const aws = new AwsStandin(emptyAccount('123456789012'), {
      secrets: {
        [secretArn]: JSON.stringify({
          slackBotToken: 'xoxb-bundle',
          slackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
        }),
      },
    });
    const slack = new SlackStandin('xoxb-bundle');
    await aws.start();
    await slack.start();
    try {
      // WHEN Lambda invokes it, configured as Lambda configures it: through its environment
      const { text } = await invokeBundle<{ text: string }>(
        outfile,
        'summary',
        {},
        {
          AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
          SLACK_API_URL: `${slack.url}/api/`,
          SLACK_RETRIES: '0',
          SLACK_SECRET_ARN: secretArn,
          CASE_TABLE_NAME: CASE_TABLE,
          JANITOR_CONFIG: JSON.stringify(parseConfig(VALID_CONFIG)),
        },
      );
      // THEN it posted its summary in the approvers' channel
      expect(text).toContain('0 cases opened');
      expect(slack.posts.map((post) => [post.channel, post.text])).toEqual([
        [VALID_CONFIG.slackChannelId, text],
      ]);
      expect(aws.callsOf('GetSecretValue')).toHaveLength(1);
    } finally {
      await Promise.all([aws.stop(), slack.stop(), dynamo.stop()]);
    }
  }, 60_000);

  it("runs in its bundle: the inventory reads IAM's credential report through the ES module build of the IAM client", async () => {
    // GIVEN the inventory Lambda bundled as deployed, and an account where one of three users is idle
    const { outfile } = await bundle(handlerEntry('inventory'));
    const account = emptyAccount('123456789012');
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    addUser(account, { userName: 'gone', createDate: daysAgo(400) });
    for (const userName of ['ana', 'ben'])
      addUser(account, {
        userName,
        createDate: daysAgo(400),
        password: { createDate: daysAgo(400), lastUsed: daysAgo(1) },
      });
    const dynamo = await startDynamo();
    const aws = new AwsStandin(account);
    await aws.start();
    try {
      // WHEN Lambda invokes it (the guard allows one idle user in three)
      const output = await invokeBundle<{ candidates: { userName: string }[] }>(
        outfile,
        'inventory',
        { sweepId: 'bundled', startedAt: new Date().toISOString() },
        {
          AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
          AWS_ENDPOINT_URL_IAM: aws.url,
          CASE_TABLE_NAME: CASE_TABLE,
          JANITOR_CONFIG: JSON.stringify(parseConfig({ ...VALID_CONFIG, maxCandidateFraction: 0.5 })),
        },
      );
      // THEN it read the report IAM generated and found the idle user, and only that one
      expect(aws.callsOf('GetCredentialReport')).toHaveLength(1);
      expect(output.candidates.map((candidate) => candidate.userName)).toEqual(['gone']);
    } finally {
      await Promise.all([aws.stop(), dynamo.stop()]);
    }
  }, 60_000);
});

describe('what the bundles carry', () => {
  it('holds what loads on first use, and loads it when asked', async () => {
    // GIVEN the loaders of the clients only some invocations call, bundled as deployed
    const { outfile, text } = await bundle(path.join(__dirname, '..', 'fixtures', 'lazy-entry.ts'));
    // THEN the bundle requires none of them from outside: each is inside it
    expect(text.match(/require\("\.{1,2}\//g)).toBeNull();
    // AND each gives the client and commands iam-janitor calls
    const loaded = await invokeBundle<Record<string, string>>(outfile, 'lazy', {}, {});
    expect(loaded).toEqual({
      OrganizationsClient: 'function',
      DescribeAccountCommand: 'function',
      DescribeOrganizationCommand: 'function',
      paginateListParents: 'function',
      SecretsProvider: 'function',
      SecretsManagerClient: 'function',
      STSClient: 'function',
      fromTemporaryCredentials: 'function',
      JiraClient: 'function',
    });
  }, 60_000);

  it('keeps zod out of a function without jira.js: its checks are valibot, a few KB built in no time', async () => {
    // GIVEN the function Slack waits on, bundled as deployed
    const { inputs } = await bundle(handlerEntry('slack-interactions'));
    // THEN no byte of zod is in it (zod alone was 96 KB of every bundle), and valibot is small
    expect(bytesFrom(inputs, 'zod')).toBe(0);
    expect(bytesFrom(inputs, 'valibot')).toBeGreaterThan(0);
    expect(bytesFrom(inputs, 'valibot')).toBeLessThan(30 * 1024);
  }, 60_000);

  it('keeps of an AWS client only the operations the function sends', async () => {
    // GIVEN the remover, bundled as deployed: it calls IAM to take a user apart
    const { text } = await bundle(handlerEntry('act'));
    const held = (operations: string[]) => operations.filter((operation) => text.includes(`"${operation}"`));
    // THEN it holds IAM's DeleteLoginProfile and CloudTrail's LookupEvents, which it sends
    expect(held(['DeleteLoginProfile', 'LookupEvents'])).toEqual(['DeleteLoginProfile', 'LookupEvents']);
    // AND none of the IAM API's operations on roles and identity providers, which it never sends
    // (the CommonJS build of the IAM client carries every one of them, with its schema)
    expect(
      held(['CreateSAMLProvider', 'CreateOpenIDConnectProvider', 'PutRolePolicy', 'CreateRole']),
    ).toEqual([]);
  }, 60_000);
});
