import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { parseConfig } from '../../lambdas/commons/config/config';
import { esbuildOptions, handlerEntry } from '../../lib/infra/janitor-function';
import { emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { lambdaContext } from '../../lib/sim/engine';
import { SlackStandin } from '../../lib/sim/standins/slack-standin';
import { VALID_CONFIG } from '../helpers/stack';
import { JiraStandin } from '../../lib/sim/standins/jira-standin';

describe('the zod shim the bundles use', () => {
  it('gives jira.js everything it calls on zod, so a bundled Jira client works', async () => {
    // GIVEN a bundle built exactly as the Lambdas are, holding jira.js and our schemas
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-bundle-'));
    const entry = path.join(__dirname, '..', 'fixtures', 'bundle-entry.ts');
    const outfile = path.join(dir, 'entry.js');
    const result = await build(esbuildOptions(entry, outfile));
    // THEN zod is shaken down: without the shim it weighs about 450 KB on its own
    const zodBytes = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]!]!.inputs)
      .filter(([file]) => file.includes('node_modules/zod/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(zodBytes).toBeLessThan(150 * 1024);

    // AND the bundled client talks to Jira
    const jira = new JiraStandin('bot@example.com', 'token');
    await jira.start();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as {
        search: (host: string) => Promise<number>;
        parse: (value: unknown) => unknown;
      };
      expect(await bundled.search(jira.url)).toBe(0);
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-handler-'));
    const outfile = path.join(dir, 'index.js');
    await build(esbuildOptions(handlerEntry('summary'), outfile));
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
    // The bundle has its own copy of every module: it is configured only as Lambda configures it,
    // through its environment.
    const environment = {
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      SLACK_API_URL: `${slack.url}/api/`,
      SLACK_RETRIES: '0',
      SLACK_SECRET_ARN: secretArn,
      CASE_TABLE_NAME: CASE_TABLE,
      JANITOR_CONFIG: JSON.stringify(parseConfig(VALID_CONFIG)),
    };
    const saved = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));
    Object.assign(process.env, environment);
    try {
      // WHEN Lambda invokes it: (event, context)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as {
        handler: (event: unknown, context: unknown) => Promise<{ text: string }>;
      };
      const { text } = await bundled.handler({}, lambdaContext('summary'));
      // THEN it posted its summary in the approvers' channel
      expect(text).toContain('0 cases opened');
      expect(slack.posts.map((post) => [post.channel, post.text])).toEqual([
        [VALID_CONFIG.slackChannelId, text],
      ]);
      expect(aws.callsOf('GetSecretValue')).toHaveLength(1);
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      await Promise.all([aws.stop(), slack.stop(), dynamo.stop()]);
    }
  }, 60_000);
});

describe('what the bundles carry', () => {
  const bytesFrom = (inputs: Record<string, { bytesInOutput: number }>, folder: string) =>
    Object.entries(inputs)
      .filter(([file]) => file.includes(`node_modules/${folder}/`))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

  it('keeps zod out of a function without jira.js: its checks are valibot, a few KB built in no time', async () => {
    // GIVEN the function Slack waits on, bundled as deployed
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-zod-'));
    const result = await build(
      esbuildOptions(handlerEntry('slack-interactions'), path.join(dir, 'index.js')),
    );
    const { inputs } = Object.values(result.metafile.outputs)[0]!;
    // THEN no byte of zod is in it (zod alone was 96 KB of every bundle), and valibot is small
    expect(bytesFrom(inputs, 'zod')).toBe(0);
    expect(bytesFrom(inputs, 'valibot')).toBeGreaterThan(0);
    expect(bytesFrom(inputs, 'valibot')).toBeLessThan(30 * 1024);
  }, 60_000);
});
