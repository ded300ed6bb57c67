import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDeleteUser } from '../../lib/cli/delete-user';
import { COMMANDS } from '../../lib/cli/commands';
import { main } from '../../lib/cli/main';
import type { Prompt } from '../../lib/cli/prompt';
import { emptyAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { addLoadedUser } from '../helpers/loaded-user';
import { startStandin } from '../helpers/standin';

/** What README and --help say of each command is what the command does (issue 34). */

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** From the command line's heading to the scenario format: the commands' own text. */
const COMMAND_TEXT = /## The command line\n([\s\S]*?)\nThe scenario format is in/.exec(README)![1]!;

describe("README's commands", () => {
  it('fit a terminal: no line above 100 columns', () => {
    for (const line of COMMAND_TEXT.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('list every command, each with the usage --help prints, every option included', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      expect(COMMAND_TEXT).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
      // Markdown wraps the line after a long heading: a line break is a space.
      if (name !== 'version')
        expect(COMMAND_TEXT.replace(/\n/g, ' ')).toContain(`**\`${command.usage}\`**: `);
      for (const flag of Object.keys(command.options)) expect(command.usage).toContain(`--${flag}`);
    }
  });

  it('say of restore what restore does: no credential is recreated, wherever README speaks of it', () => {
    const sentences = README.replace(/\s+/g, ' ').split(/(?<=[.;])\s/);
    const aboutRestore = sentences.filter((sentence) => /\brestor/i.test(sentence));
    expect(aboutRestore.length).toBeGreaterThan(5);
    for (const sentence of aboutRestore)
      expect(sentence).not.toMatch(/creat\w* (new )?(access )?keys|password that must be reset/i);
    expect(COMMANDS.restore!.summary).toContain('no credentials are recreated');
  });
});

describe('delete-user refuses what its help and README say it refuses', () => {
  let standin: AwsStandin;
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (text: string) => void err.push(text) };
  const notTerminal: Prompt = { interactive: false, confirm: async () => false };

  beforeAll(async () => {
    const account = emptyAccount();
    addLoadedUser(account, 'guarded', { tags: { 'IAM-Janitor:Protected': 'true' } });
    addLoadedUser(account, 'Break-Glass');
    addLoadedUser(account, 'pipeline', { path: '/service/ci/' });
    standin = await startStandin(account);
  });
  afterAll(() => standin.stop());

  it('protected, exempt by name in another letter case, and exempt by path: each refused, nothing changed', async () => {
    // The config delete-user reads is cdk.json's with -c over it, as main gives it.
    for (const user of ['guarded', 'Break-Glass', 'pipeline']) {
      err.length = 0;
      const code = await main(
        [
          'delete-user',
          user,
          '--yes',
          '-c',
          'exemptUserNames=["break-glass"]',
          '-c',
          'exemptPathPrefixes=["/service/"]',
        ],
        io,
      );
      expect({ user, code }).toEqual({ user, code: 1 });
      expect(err.join('')).toMatch(/refuses to change it/);
    }
    expect(standin.mutatingCalls()).toEqual([]);
    // And both texts say protected and exempt, by name and by path.
    expect(COMMANDS['delete-user']!.summary).toMatch(
      /protected and exempt users \(exempt by name .* or by path\)/,
    );
    expect(COMMAND_TEXT).toContain(
      'Refuses protected and exempt users (exempt by name in any letter case, or by path).',
    );
  });

  it('never names a snapshot it did not write', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'no-credentials-'));
    const env = {
      PATH: process.env.PATH,
      HOME: cwd,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: path.join(cwd, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(cwd, 'none'),
    };
    for (const mode of ['--dry-run', '--yes']) {
      const run = spawnSync(
        process.execPath,
        [path.join(ROOT, 'bin', 'iam-janitor.js'), 'delete-user', 'bob', mode],
        {
          cwd,
          env,
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^iam-janitor delete-user: No AWS credentials found/);
      expect(run.stderr).toContain('Nothing was changed');
      expect(run.stderr).not.toMatch(/snapshot.* is at|if written/);
      expect(fs.existsSync(path.join(cwd, 'snapshots'))).toBe(false);
    }
    // Throttled past every retry before the snapshot: the same truth, through the stand-in.
    standin.options.faults = { iamThrottleRate: 1 };
    err.length = 0;
    const file = path.join(cwd, 'bob.json');
    expect(await runDeleteUser({ yes: true, snapshot: file }, ['pipeline'], io, notTerminal)).toBe(1);
    expect(fs.existsSync(file)).toBe(false);
    expect(err.join('')).not.toContain(file);
    expect(err.join('')).toContain('Nothing was changed and no snapshot was written.');
    standin.options.faults = {};
  }, 90_000);
});
