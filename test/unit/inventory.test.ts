import { IAMClient } from '@aws-sdk/client-iam';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { runInventory, type InventoryDeps } from '../../lambdas/inventory/inventory';
import { addUser, emptyAccount, type SimAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { main } from '../../lib/cli/main';
import { ago, startStandin } from '../helpers/standin';
import { POLICY } from '../helpers/report';

function iamFor(standin: AwsStandin) {
  return new IAMClient({
    endpoint: standin.url,
    region: 'us-east-1',
    retryStrategy: new PatientRetryStrategy(12, 5),
  });
}

/** The inventory against a stand-in, with the test policy and a fast report poll. */
function inventoryOf(standin: AwsStandin, overrides: Partial<InventoryDeps> = {}) {
  return runInventory({
    iam: iamFor(standin),
    policy: POLICY,
    now: new Date(),
    report: { pollIntervalMs: 5 },
    ...overrides,
  });
}

/** A small account where each user shows one verdict. */
function mixedAccount(): SimAccount {
  const account = emptyAccount();
  account.root = {
    passwordLastUsed: ago(1),
    mfaActive: false,
    accessKey1Active: true,
    accessKey2Active: false,
  };
  addUser(account, {
    userName: 'active-alice',
    createDate: ago(500),
    password: { createDate: ago(500), lastUsed: ago(2) },
  });
  addUser(account, {
    userName: 'idle-bob',
    createDate: ago(500),
    accessKeys: [{ id: 'AKIABOB', status: 'Active', createDate: ago(500), lastUsedDate: ago(200) }],
  });
  addUser(account, { userName: 'new-carol', createDate: ago(5) });
  addUser(account, {
    userName: 'protected-dave',
    createDate: ago(500),
    tags: { 'iam-janitor:protected': 'true' },
  });
  addUser(account, {
    userName: 'snoozed-erin',
    createDate: ago(500),
    tags: { 'iam-janitor:keep-until': '2999-01-01' },
  });
  addUser(account, { userName: 'break-glass-admin', createDate: ago(500) });
  addUser(account, {
    userName: 'deploy+ci=1,x.y@z_w-v',
    path: '/service-accounts/ci/',
    createDate: ago(500),
  });
  addUser(account, {
    userName: 'nested.frank',
    path: '/team/ops/',
    createDate: ago(500),
    tags: { 'iam-janitor:keep-until': '2001-01-01' },
  });
  for (let index = 0; index < 12; index++) {
    addUser(account, {
      userName: `worker-${index}`,
      createDate: ago(500),
      password: { createDate: ago(500), lastUsed: ago(1) },
    });
  }
  return account;
}

const EXPECTED = {
  'active-alice': 'active',
  'idle-bob': 'inactive',
  'new-carol': 'grace',
  'protected-dave': 'exempt',
  'snoozed-erin': 'snoozed',
  'break-glass-admin': 'exempt',
  'deploy+ci=1,x.y@z_w-v': 'exempt',
  'nested.frank': 'inactive',
};

describe('inventory against the IAM stand-in over HTTP', () => {
  let standin: AwsStandin;
  afterEach(() => standin?.stop());

  it('gives every user the verdict a careful human would, and never makes root a candidate', async () => {
    standin = await startStandin(mixedAccount());
    const result = await inventoryOf(standin);
    const verdicts = Object.fromEntries(result.users.map((user) => [user.userName, user.verdict]));
    expect(verdicts).toMatchObject(EXPECTED);
    expect(result.users.map((user) => user.userName)).not.toContain('<root_account>');
    expect(result.candidates.map((candidate) => candidate.userName).sort()).toEqual([
      'idle-bob',
      'nested.frank',
    ]);
    expect(result.rootWarnings).toEqual([
      'root access key 1 is active: delete it, root needs no keys',
      'root has no MFA device: enable MFA on the root user',
    ]);
    expect(result.halted).toBe(false);
  });

  it('marks users with an open case as open-case', async () => {
    standin = await startStandin(mixedAccount());
    const result = await inventoryOf(standin, { openCaseUserNames: new Set(['idle-bob']) });
    expect(result.users.find((user) => user.userName === 'idle-bob')).toMatchObject({ verdict: 'open-case' });
    expect(result.candidates.map((candidate) => candidate.userName)).toEqual(['nested.frank']);
  });

  it('warns once about a keep-until date that has passed', async () => {
    standin = await startStandin(mixedAccount());
    const warnings: string[] = [];
    await inventoryOf(standin, { warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      'tag iam-janitor:keep-until="2001-01-01" has passed; the user is judged again',
    ]);
  });

  it('halts when every user is inactive', async () => {
    const account = emptyAccount();
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `gone-${index}`, createDate: ago(400) });
    standin = await startStandin(account);
    const result = await inventoryOf(standin);
    expect(result.halted).toBe(true);
    expect(result.haltReason).toBe('10 of 10 users (100%) are candidates, above maxCandidateFraction (20%)');
  });

  it('waits for a report that is STARTED, then reads it', async () => {
    standin = await startStandin(mixedAccount(), { reportStartedCalls: 3 });
    await inventoryOf(standin);
    expect(standin.callsOf('GenerateCredentialReport')).toHaveLength(4);
  });

  it('gives up with a clear error when the report never completes', async () => {
    standin = await startStandin(mixedAccount(), { reportStartedCalls: 1_000 });
    await expect(inventoryOf(standin, { report: { pollIntervalMs: 5, maxWaitMs: 50 } })).rejects.toThrow(
      /credential report was not ready after 0 s \(last state: STARTED\)/,
    );
  });

  it('costs at most 5 + 300 IAM calls for 5,000 users with 300 inactive', async () => {
    // GIVEN the IAM quota of users, 300 of them idle
    const account = emptyAccount();
    for (let index = 0; index < 5_000; index++) {
      const idle = index < 300;
      addUser(account, {
        userName: `user-${index}`,
        createDate: ago(800),
        accessKeys: [
          { id: `AKIA${index}`, status: 'Active', createDate: ago(800), lastUsedDate: ago(idle ? 100 : 1) },
        ],
      });
    }
    standin = await startStandin(account);
    const result = await inventoryOf(standin, {
      policy: { ...POLICY, maxCasesPerRun: 1000, maxCandidateFraction: 1 },
    });
    expect(result.candidates).toHaveLength(300);
    expect(standin.calls.filter((call) => call.service === 'iam').length).toBeLessThanOrEqual(5 + 300);
    // 300 GetUser calls would cost more than the 5 pages of GetAccountAuthorizationDetails.
    expect(standin.callsOf('GetUser')).toHaveLength(0);
    expect(standin.callsOf('GetAccountAuthorizationDetails')).toHaveLength(5);
  });

  it('asks GetUser for the idle user when idle users are fewer than the pages of the whole account', async () => {
    const account = emptyAccount();
    for (let index = 0; index < 20; index++) {
      addUser(account, {
        userName: `u-${index}`,
        createDate: ago(500),
        password: { createDate: ago(500), lastUsed: ago(index === 7 ? 300 : 1) },
      });
    }
    standin = await startStandin(account);
    const result = await inventoryOf(standin);
    expect(result.candidates.map((candidate) => candidate.userName)).toEqual(['u-7']);
    expect(standin.callsOf('GetUser').map((call) => call.params.UserName)).toEqual(['u-7']);
    expect(standin.callsOf('GetAccountAuthorizationDetails')).toHaveLength(0);
  });

  it('reads tags and ids from GetAccountAuthorizationDetails when idle users outnumber its pages', async () => {
    standin = await startStandin(mixedAccount());
    const result = await inventoryOf(standin);
    expect(standin.callsOf('GetAccountAuthorizationDetails')).toHaveLength(1);
    expect(standin.callsOf('GetUser')).toHaveLength(0);
    expect(result.candidates.every((candidate) => candidate.userId.startsWith('AIDA'))).toBe(true);
  });
});

describe('iam-janitor report --json', () => {
  let standin: AwsStandin;
  afterEach(() => standin?.stop());

  it('returns the right verdicts with 20% of IAM calls throttled', async () => {
    standin = await startStandin(mixedAccount(), { faults: { iamThrottleRate: 0.2 }, seed: 7 });
    const out: string[] = [];
    const code = await main(['report', '--json'], {
      stdout: (text) => out.push(text),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    expect(standin.calls.some((call) => call.error === 'Throttling')).toBe(true);
    const users = JSON.parse(out.join('')) as { userName: string; verdict: string; idleDays: number }[];
    expect(Object.fromEntries(users.map((user) => [user.userName, user.verdict]))).toMatchObject(EXPECTED);
    expect(Object.keys(users[0]!).sort()).toEqual(
      [
        'arn',
        'createDate',
        'idleDays',
        'lastActivity',
        'lastActivitySource',
        'reason',
        'userName',
        'verdict',
      ].sort(),
    );
    const idle = users.map((user) => user.idleDays);
    expect(idle).toEqual([...idle].sort((a, b) => b - a));
  });

  it('lists each credential of an active user, naming a stale key by its id', async () => {
    const account = emptyAccount();
    addUser(account, {
      userName: 'kim',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(3) },
      accessKeys: [
        { id: 'AKIAKIMINACTIVE', status: 'Inactive', createDate: ago(400), lastUsedDate: ago(300) },
        { id: 'AKIAKIMSTALE', status: 'Active', createDate: ago(200), lastUsedDate: ago(90) },
      ],
    });
    standin = await startStandin(account);
    const out: string[] = [];
    expect(
      await main(['report', '--json'], { stdout: (text) => out.push(text), stderr: () => undefined }),
    ).toBe(0);
    const [kim] = JSON.parse(out.join('')) as { verdict: string; credentials: Record<string, unknown>[] }[];
    expect(kim!.verdict).toBe('active');
    // The inactive key is no finding; the stale one is named by its id, not its report slot.
    expect(kim!.credentials).toEqual([
      {
        kind: 'password',
        id: 'password',
        status: 'Active',
        lastUsed: expect.any(String),
        verdict: 'active',
        reason: 'console password used 3 days ago',
      },
      {
        kind: 'access-key',
        id: 'AKIAKIMSTALE',
        status: 'Active',
        lastUsed: expect.any(String),
        verdict: 'stale',
        reason: 'access key 2 last used 90 days ago (threshold 45)',
      },
    ]);
  });

  it('prints a table sorted by idle days', async () => {
    standin = await startStandin(mixedAccount());
    const out: string[] = [];
    const code = await main(['report', '--threshold-days', '30'], {
      stdout: (text) => out.push(text),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^USER\s+VERDICT\s+IDLE DAYS\s+LAST ACTIVITY\s+REASON/);
    expect(out.join('\n')).toContain('candidates at 30 days');
  });

  it('rejects a bad --threshold-days', async () => {
    const errors: string[] = [];
    const code = await main(['report', '--threshold-days', '0'], {
      stdout: () => undefined,
      stderr: (text) => errors.push(text),
    });
    expect(code).toBe(2);
    expect(errors.join('')).toContain('--threshold-days must be a whole number of days above 0');
  });
});

describe('a credential report with an odd row', () => {
  it('skips the unreadable row with a warning naming its line, never makes that user a candidate, and judges the rest', async () => {
    const account = emptyAccount();
    for (const userName of ['idle-1', 'idle-2', 'idle-3'])
      addUser(account, {
        userName,
        createDate: ago(500),
        password: { createDate: ago(500), lastUsed: ago(200) },
      });
    const standin = await startStandin(account, {
      // idle-2's last-used date is garbled: read as "no use" it would look idle, so it must not be read at all.
      editReport: (csv) =>
        csv
          .split('\n')
          .map((line) =>
            line.startsWith('idle-2,') ? line.replace(/,\d{4}-\d{2}-\d{2}T[^,]+,/, ',garbage,') : line,
          )
          .join('\n'),
    });
    try {
      const warnings: string[] = [];
      const result = await inventoryOf(standin, {
        policy: { ...POLICY, maxCandidateFraction: 1 },
        warn: (message, details) => void warnings.push(`${String(details.userName)}: ${message}`),
      });
      expect(result.candidates.map((candidate) => candidate.userName).sort()).toEqual(['idle-1', 'idle-3']);
      expect(result.users.map((user) => user.userName)).not.toContain('idle-2');
      expect(result.skippedRows).toEqual([
        { line: 4, userName: 'idle-2', reason: expect.stringContaining('garbage') },
      ]);
      expect(warnings).toEqual([expect.stringMatching(/^idle-2: credential report line 4 skipped: /)]);
    } finally {
      await standin.stop();
    }
  });
});
