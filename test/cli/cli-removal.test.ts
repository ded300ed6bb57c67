import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { readUser, type Snapshot } from '../../lambdas/commons/iam/snapshot';
import { runDeleteUser } from '../../lib/cli/delete-user';
import { main } from '../../lib/cli/main';
import type { Prompt } from '../../lib/cli/prompt';
import { runRestore } from '../../lib/cli/restore';
import { emptyAccount, type SimAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { addLoadedUser } from '../helpers/loaded-user';
import { startStandin } from '../helpers/standin';

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

  it('warns before deleting a user who is active, and says nothing of an idle one', async () => {
    // GIVEN a user whose password was used two days ago (thresholdDays is 45 in the shipped cdk.json)
    addLoadedUser(account, 'busy', {
      password: {
        createDate: new Date(Date.now() - 400 * 86_400_000),
        lastUsed: new Date(Date.now() - 2 * 86_400_000),
      },
    });
    await runDeleteUser(
      { 'dry-run': true, snapshot: path.join(dir, 'busy.json') },
      ['busy'],
      io,
      notTerminal,
    );
    expect(err.join('\n')).toMatch(
      /⚠ busy is active: a credential was used 2 days ago \(.*\), within thresholdDays \(45\)/,
    );
    err.length = 0;
    await runDeleteUser(
      { 'dry-run': true, snapshot: path.join(dir, 'idle.json') },
      ['loaded'],
      io,
      notTerminal,
    );
    expect(err.join('\n')).not.toContain('is active');
  });

  it('--dry-run leaves no snapshot file that a later run could take for an interrupted one', async () => {
    const file = path.join(dir, 'loaded.json');
    expect(await runDeleteUser({ 'dry-run': true, snapshot: file }, ['loaded'], io, notTerminal)).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    expect(out.join('\n')).toContain('no snapshot was written');
  });

  it('shows at the prompt exactly the steps that then run', async () => {
    const file = path.join(dir, 'loaded.json');
    const shown: string[] = [];
    const terminal: Prompt = {
      interactive: true,
      confirm: async () => {
        shown.push(...out.filter((line) => line.startsWith('  - ')).map((line) => line.slice(4)));
        return true;
      },
    };
    expect(await runDeleteUser({ snapshot: file }, ['loaded'], io, terminal)).toBe(0);
    const ran = out.filter((line) => line.startsWith('  ✓ ')).map((line) => line.slice(4));
    expect(ran).toEqual(shown);
    expect(ran.length).toBeGreaterThan(10);
  });

  it('does not reuse a snapshot file of another user id under the same name, and keeps that file', async () => {
    // GIVEN snapshots/loaded.json from an earlier "loaded", a different person, with an unassigned device
    const file = path.join(dir, 'loaded.json');
    const iam = new IAMClient({ endpoint: standin.url, region: 'us-east-1' });
    const stranger = `arn:aws:iam::${account.accountId}:mfa/stranger`;
    account.virtualMfaDevices.set(stranger, { assignedTo: null });
    const earlier: Snapshot = {
      ...(await readUser(iam, 'loaded')),
      userId: 'AIDAEARLIERPERSON001',
      mfaDevices: [{ serialNumber: stranger, virtual: true }],
    };
    fs.writeFileSync(file, JSON.stringify(earlier));
    standin.calls.length = 0;
    // WHEN the current loaded is deleted
    expect(await runDeleteUser({ yes: true, snapshot: file }, ['loaded'], io, notTerminal)).toBe(0);
    // THEN the stranger's device stays, the earlier file is untouched, and a new snapshot is written beside it
    expect(account.virtualMfaDevices.has(stranger)).toBe(true);
    expect(out.join('\n')).not.toContain(stranger);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).userId).toBe('AIDAEARLIERPERSON001');
    const written = fs.readdirSync(dir).filter((name) => name.startsWith('loaded-'));
    expect(written).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, written[0]!), 'utf8')).userName).toBe('loaded');
  });

  it('refuses a protected user with a clear message', async () => {
    expect(
      await runDeleteUser({ yes: true, snapshot: path.join(dir, 'g.json') }, ['guarded'], io, notTerminal),
    ).toBe(1);
    expect(err.join('')).toBe(
      'guarded carries the protected tag iam-janitor:protected; iam-janitor refuses to change it.',
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
    expect(await main(['restore', file, '--yes'], io)).toBe(0);
    expect(account.users.get('loaded')).toMatchObject({
      path: '/team/data/',
      groups: ['developers', 'data-readers', 'on-call'],
    });
    expect(out.join('\n')).toContain('Passwords, access keys, MFA devices');
  });

  async function deletedWithSnapshot(): Promise<string> {
    const file = path.join(dir, 'loaded.json');
    await runDeleteUser({ yes: true, snapshot: file }, ['loaded'], io, notTerminal);
    out.length = 0;
    standin.calls.length = 0;
    return file;
  }

  it('shows the plan and refuses without --yes when the input is not a terminal', async () => {
    const file = await deletedWithSnapshot();
    expect(await runRestore([file], io, {}, notTerminal)).toBe(2);
    expect(err.join('')).toContain('Pass --yes to confirm');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('refuses to restore into another account than the snapshot names, before it asks', async () => {
    const file = await deletedWithSnapshot();
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as { accountId: string };
    expect(snapshot.accountId).toBe(account.accountId);
    fs.writeFileSync(file, JSON.stringify({ ...snapshot, accountId: '210987654321' }));
    expect(await runRestore([file], io, { yes: true }, notTerminal)).toBe(1);
    expect(err.join('\n')).toContain(
      `loaded lived in AWS account 210987654321, and these credentials are of account ${account.accountId}: nothing was changed.`,
    );
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('asks first, and changes nothing when the answer is no', async () => {
    const file = await deletedWithSnapshot();
    const asked: string[] = [];
    const terminal: Prompt = {
      interactive: true,
      confirm: async (question) => (asked.push(question), false),
    };
    expect(await runRestore([file], io, {}, terminal)).toBe(1);
    expect(asked).toEqual(['Restore loaded as listed above?']);
    expect(out.join('\n')).toContain('  - add to group on-call');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('reports a group that no longer exists as a failure, restores the rest, and exits 1', async () => {
    const file = await deletedWithSnapshot();
    account.groups.delete('on-call');
    expect(await runRestore([file], io, { yes: true }, notTerminal)).toBe(1);
    expect(account.users.get('loaded')!.groups).toEqual(['developers', 'data-readers']);
    expect(account.users.get('loaded')!.managedPolicies).toHaveLength(3);
    expect(out.join('\n')).not.toContain('✓ add to group on-call');
    expect(err.join('\n')).toContain(
      '✗ add to group on-call: group on-call no longer exists in this account',
    );
    expect(err.join('\n')).toContain('restored only in part');
  });

  it('grants nothing when the permissions boundary no longer exists', async () => {
    const file = await deletedWithSnapshot();
    account.policies.delete(`arn:aws:iam::${account.accountId}:policy/boundary`);
    expect(await runRestore([file], io, { yes: true }, notTerminal)).toBe(1);
    const restored = account.users.get('loaded')!;
    expect(restored.permissionsBoundary).toBeNull();
    expect(restored.groups).toEqual([]);
    expect(restored.managedPolicies).toEqual([]);
    expect(restored.inlinePolicies).toEqual({});
    expect(err.join('\n')).toMatch(/permissions boundary .*boundary no longer exists/);
    expect(err.join('\n')).toContain(
      'not granted: the permissions boundary that limited it could not be set',
    );
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

  it('refuses when a user of that name exists, in any letter case', async () => {
    const file = path.join(dir, 'loaded.json');
    const iam = new IAMClient({ endpoint: standin.url, region: 'us-east-1' });
    fs.writeFileSync(file, JSON.stringify({ ...(await readUser(iam, 'loaded')), userName: 'LOADED' }));
    standin.calls.length = 0;
    expect(await main(['restore', file, '--yes'], io)).toBe(1);
    expect(standin.mutatingCalls()).toEqual([]);
    expect(err.join('')).toContain('already exists');
  });
});
