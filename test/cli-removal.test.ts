import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDeleteUser, type Prompt } from '../lib/cli/delete-user';
import { main } from '../lib/cli/main';
import { emptyAccount, type SimAccount } from '../lib/sim/account';
import type { AwsStandin } from '../lib/sim/aws-standin';
import { addLoadedUser } from './helpers/loaded-user';
import { startStandin } from './helpers/standin';

let standin: AwsStandin;
let account: SimAccount;
let dir: string;
const out: string[] = [];
const err: string[] = [];
const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text) };
const notTerminal: Prompt = { interactive: false, confirm: async () => false };

beforeEach(async () => {
  out.length = 0;
  err.length = 0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-cli-'));
  account = emptyAccount();
  addLoadedUser(account);
  addLoadedUser(account, 'guarded', { tags: { 'iam-janitor:protected': 'true' } });
  standin = await startStandin(account);
});
afterEach(() => standin.stop());

describe('iam-janitor delete-user', () => {
  it('requires --yes when the input is not a terminal, and changes nothing', async () => {
    expect(await runDeleteUser({}, ['loaded'], io, notTerminal)).toBe(2);
    expect(err.join('')).toContain('Pass --yes to confirm');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('prints the plan, asks, and changes nothing when the answer is no', async () => {
    const asked: string[] = [];
    const terminal: Prompt = {
      interactive: true,
      confirm: async (question) => (asked.push(question), false),
    };
    const file = path.join(dir, 'loaded.json');
    expect(await runDeleteUser({ snapshot: file }, ['loaded'], io, terminal)).toBe(1);
    expect(asked).toEqual(['Delete loaded and everything listed above?']);
    expect(out.join('\n')).toContain('groups: developers, data-readers, on-call');
    expect(standin.mutatingCalls()).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('with --yes writes the snapshot, deletes, and exits 0 only once the user is gone', async () => {
    const file = path.join(dir, 'loaded.json');
    expect(await runDeleteUser({ yes: true, snapshot: file }, ['loaded'], io, notTerminal)).toBe(0);
    expect(account.users.has('loaded')).toBe(false);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      userName: 'loaded',
      groups: ['developers', 'data-readers', 'on-call'],
    });
    expect(out.join('\n')).toContain('loaded is deleted');
  });

  it('--dry-run prints the plan and makes no change', async () => {
    expect(
      await runDeleteUser(
        { 'dry-run': true, snapshot: path.join(dir, 'dry.json') },
        ['loaded'],
        io,
        notTerminal,
      ),
    ).toBe(0);
    expect(out.join('\n')).toContain('Dry run: nothing was changed');
    expect(out.join('\n')).toContain('  - delete user loaded');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('refuses a protected user with a clear message', async () => {
    expect(
      await runDeleteUser({ yes: true, snapshot: path.join(dir, 'g.json') }, ['guarded'], io, notTerminal),
    ).toBe(1);
    expect(err.join('')).toBe(
      'guarded carries the protected tag iam-janitor:protected; iam-janitor never changes it.',
    );
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('says so when the user does not exist', async () => {
    expect(await runDeleteUser({ yes: true }, ['nobody'], io, notTerminal)).toBe(1);
    expect(err.join('')).toBe('There is no IAM user named "nobody" in this account.');
  });

  it('explains throttling beyond the retries and keeps the snapshot', async () => {
    standin.options.faults = { iamThrottleRate: 1 };
    expect(
      await runDeleteUser({ yes: true, snapshot: path.join(dir, 't.json') }, ['loaded'], io, notTerminal),
    ).toBe(1);
    expect(err.join('')).toContain('IAM kept throttling after every retry');
  }, 30_000);
});

describe('iam-janitor restore', () => {
  it('recreates a deleted user from the snapshot delete-user wrote, and says what it cannot recreate', async () => {
    const file = path.join(dir, 'loaded.json');
    await runDeleteUser({ yes: true, snapshot: file }, ['loaded'], io, notTerminal);
    out.length = 0;
    expect(await main(['restore', file], io)).toBe(0);
    expect(account.users.get('loaded')).toMatchObject({
      path: '/team/data/',
      groups: ['developers', 'data-readers', 'on-call'],
    });
    expect(out.join('\n')).toContain('Passwords, access keys, MFA devices');
  });

  it('names the bad field of an invalid snapshot', async () => {
    const file = path.join(dir, 'bad.json');
    const snapshot = { schemaVersion: 1, userName: 'x y', path: 'team' };
    fs.writeFileSync(file, JSON.stringify(snapshot));
    expect(await main(['restore', file], io)).toBe(2);
    expect(err.join('')).toContain('userName: not an IAM user name');
    expect(err.join('')).toContain('path: not an IAM path');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('refuses when a user of that name exists', async () => {
    const file = path.join(dir, 'loaded.json');
    await runDeleteUser({ 'dry-run': true, snapshot: file }, ['loaded'], io, notTerminal);
    expect(await main(['restore', file], io)).toBe(1);
    expect(err.join('')).toContain('already exists');
  });
});
