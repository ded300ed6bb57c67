import * as path from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { actOnCredential, type CredentialActInput } from '../../lambdas/act/credential';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { judgeCredentials } from '../../lambdas/inventory/credentials';
import { runInventory } from '../../lambdas/inventory/inventory';
import { addUser, emptyAccount, type SimAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario, parseScenario } from '../../lib/sim/scenario';
import { daysAgo, NOW, POLICY, row } from '../helpers/report';
import { ago, startStandin } from '../helpers/standin';

const example = path.join(__dirname, '..', '..', 'examples', 'credentials.json');

describe('credential verdicts (CIS 1.12)', () => {
  const verdicts = (overrides: Parameters<typeof row>[0]) =>
    judgeCredentials(row(overrides), 45, NOW).map((credential) => [credential.id, credential.verdict]);

  it('judges each active credential on its own, and ignores inactive ones', () => {
    expect(
      verdicts({
        password_enabled: 'true',
        password_last_used: daysAgo(2),
        password_last_changed: daysAgo(400),
        access_key_1_active: 'true',
        access_key_1_last_rotated: daysAgo(400),
        access_key_1_last_used_date: daysAgo(3),
        access_key_2_active: 'true',
        access_key_2_last_rotated: daysAgo(300),
        access_key_2_last_used_date: daysAgo(200),
      }),
    ).toEqual([
      ['password', 'active'],
      ['access-key-1', 'active'],
      ['access-key-2', 'stale'],
    ]);
    // An inactive key, however old, is not a finding: it cannot be used.
    expect(
      verdicts({
        access_key_2_active: 'false',
        access_key_2_last_rotated: daysAgo(900),
        access_key_2_last_used_date: daysAgo(800),
      }),
    ).toEqual([]);
  });

  it('gives a never-used key grace from its own rotation date, not from the user', () => {
    // The user is 400 days old, the key 10: someone just issued it.
    expect(
      verdicts({
        user_creation_time: daysAgo(400),
        access_key_1_active: 'true',
        access_key_1_last_rotated: daysAgo(10),
        access_key_1_last_used_date: 'N/A',
      }),
    ).toEqual([['access-key-1', 'grace']]);
    expect(
      verdicts({
        user_creation_time: daysAgo(400),
        access_key_1_active: 'true',
        access_key_1_last_rotated: daysAgo(60),
        access_key_1_last_used_date: 'N/A',
      }),
    ).toEqual([['access-key-1', 'stale']]);
  });

  it('reads no_information on a password as never used', () => {
    const [password] = judgeCredentials(
      row({
        password_enabled: 'true',
        password_last_used: 'no_information',
        password_last_changed: daysAgo(90),
      }),
      45,
      NOW,
    );
    expect(password).toMatchObject({ verdict: 'stale', lastUsed: null, idleDays: 90 });
    expect(password!.reason).toBe('console password never used, issued 90 days ago (threshold 45)');
  });
});

describe('the credential inventory', () => {
  let standin: AwsStandin;
  afterEach(() => standin?.stop());

  function activeWithStaleKey(account: SimAccount, userName: string, tags: Record<string, string> = {}) {
    return addUser(account, {
      userName,
      createDate: ago(400),
      tags,
      accessKeys: [
        {
          id: `AKIA${userName.toUpperCase()}1`,
          status: 'Active',
          createDate: ago(400),
          lastUsedDate: ago(1),
        },
        {
          id: `AKIA${userName.toUpperCase()}2`,
          status: 'Active',
          createDate: ago(300),
          lastUsedDate: ago(100),
        },
      ],
    });
  }

  it('snoozes a key kept by its id, and still finds the stale key of another user', async () => {
    const account = emptyAccount();
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    activeWithStaleKey(account, 'kept', { 'iam-janitor:keep-until:AKIAKEPT2': until });
    activeWithStaleKey(account, 'open');
    for (let index = 0; index < 8; index++) activeWithStaleKey(account, `busy${index}`, {});
    for (const user of account.users.values())
      if (user.userName.startsWith('busy')) user.accessKeys.splice(1, 1);
    standin = await startStandin(account);
    const result = await runInventory({
      iam: new IAMClient({
        endpoint: standin.url,
        region: 'us-east-1',
        retryStrategy: new PatientRetryStrategy(5, 1),
      }),
      policy: POLICY,
      now: new Date(),
      report: { pollIntervalMs: 5 },
    });
    const credentialsOf = (name: string) =>
      result.users
        .find((user) => user.userName === name)!
        .credentials!.map((credential) => credential.verdict);
    expect(credentialsOf('kept')).toEqual(['active', 'snoozed']);
    expect(credentialsOf('open')).toEqual(['active', 'stale']);
    expect(result.candidates.map((candidate) => candidate.subjectId)).toEqual([
      `${account.users.get('open')!.userId}-key2`,
    ]);
    // Only the user who keeps a key by its id costs a ListAccessKeys: the report has no key ids.
    expect(standin.callsOf('ListAccessKeys').map((call) => call.params.UserName)).toEqual(['kept']);
  });

  it('opens credential cases only when credentialCases is on', async () => {
    const account = emptyAccount();
    activeWithStaleKey(account, 'open');
    standin = await startStandin(account);
    const result = await runInventory({
      iam: new IAMClient({ endpoint: standin.url, region: 'us-east-1' }),
      policy: { ...POLICY, credentialCases: false, maxCandidateFraction: 1 },
      now: new Date(),
      report: { pollIntervalMs: 5 },
    });
    expect(result.candidates).toEqual([]);
    expect(result.users[0]!.credentials).toBeUndefined();
  });
});

describe('Deactivate', () => {
  let standin: AwsStandin;
  afterEach(() => standin?.stop());

  async function setUp(change: (account: SimAccount) => void = () => undefined) {
    const account = emptyAccount();
    const user = addUser(account, {
      userName: 'kim',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(2) },
      accessKeys: [
        { id: 'AKIAKIM1', status: 'Active', createDate: ago(400), lastUsedDate: ago(1) },
        { id: 'AKIAKIM2', status: 'Active', createDate: ago(300), lastUsedDate: ago(100) },
      ],
    });
    change(account);
    standin = await startStandin(account);
    const saved: unknown[] = [];
    const input: CredentialActInput = {
      iam: new IAMClient({ endpoint: standin.url, region: 'us-east-1' }),
      action: 'deactivate',
      userName: 'kim',
      userId: user.userId,
      credentialId: 'AKIAKIM2',
      lastUsed: ago(100).toISOString(),
      openedAt: ago(1).toISOString(),
      policy: { ...POLICY, keepDays: 90 },
      dryRun: false,
      now: new Date(),
      saveSnapshot: async (snapshot) => void saved.push(snapshot),
    };
    return { account, input, saved };
  }
  const mutating = () => standin.mutatingCalls().map((call) => call.action);

  it('sets only that key Inactive, after a snapshot, and leaves the user and key 1 alone', async () => {
    const { account, input, saved } = await setUp();
    expect(await actOnCredential(input)).toMatchObject({ outcome: 'deactivated' });
    expect(saved).toHaveLength(1);
    const kim = account.users.get('kim')!;
    expect(kim.accessKeys.map((key) => [key.id, key.status])).toEqual([
      ['AKIAKIM1', 'Active'],
      ['AKIAKIM2', 'Inactive'],
    ]);
    expect(kim.password).not.toBeNull();
    expect(mutating()).toEqual(['UpdateAccessKey']);
  });

  it('does not deactivate a key used after the case opened (the report lags by 4 hours)', async () => {
    const { input } = await setUp((account) => {
      account.users.get('kim')!.accessKeys[1]!.lastUsedDate = new Date();
    });
    await expect(actOnCredential(input)).rejects.toThrow(/AKIAKIM2 was used at .* It is in use/);
    expect(mutating()).toEqual([]);
  });

  it('refuses a user protected or recreated since the case opened', async () => {
    const protectedCase = await setUp((account) => {
      account.users.get('kim')!.tags['iam-janitor:protected'] = 'yes';
    });
    await expect(actOnCredential(protectedCase.input)).rejects.toThrow(/protected tag/);
    expect(mutating()).toEqual([]);
    await standin.stop();
    const recreated = await setUp();
    await expect(actOnCredential({ ...recreated.input, userId: 'AIDASOMEONEELSE' })).rejects.toThrow(
      /deleted and created again/,
    );
    expect(mutating()).toEqual([]);
  });

  it('changes nothing in a dry run, and keeps without a tag a user protected since the case opened', async () => {
    const dry = await setUp();
    expect(await actOnCredential({ ...dry.input, dryRun: true })).toEqual({
      outcome: 'dry-run',
      planned: ['set access key AKIAKIM2 Inactive'],
      done: [],
    });
    expect(dry.saved).toHaveLength(1);
    expect(mutating()).toEqual([]);
    await standin.stop();
    const kept = await setUp((account) => {
      account.users.get('kim')!.tags['iam-janitor:protected'] = 'yes';
    });
    expect(await actOnCredential({ ...kept.input, action: 'keep' })).toMatchObject({
      outcome: 'kept',
      done: [],
    });
    expect(mutating()).toEqual([]);
  });

  it('deletes only the console password for a password case, and Keep tags that credential only', async () => {
    const password = await setUp();
    await actOnCredential({ ...password.input, credentialId: 'password', lastUsed: ago(2).toISOString() });
    expect(mutating()).toEqual(['DeleteLoginProfile']);
    expect(password.account.users.get('kim')!.accessKeys.every((key) => key.status === 'Active')).toBe(true);
    await standin.stop();
    const kept = await setUp();
    expect(await actOnCredential({ ...kept.input, action: 'keep' })).toMatchObject({ outcome: 'kept' });
    expect(Object.keys(kept.account.users.get('kim')!.tags)).toEqual(['iam-janitor:keep-until:AKIAKIM2']);
  });
});

describe('the credential example, end to end', () => {
  it('deactivates exactly the decided credentials and nothing else', async () => {
    const detail = await runScenario(loadScenario(example));
    const { report } = detail;
    expect(report.sweep).toEqual({
      usersScanned: 10,
      candidates: ['kim', 'nia', 'lee', 'max', 'paul'],
      backlog: 0,
      halted: false,
    });
    expect(
      report.cases.map((entry) => [
        entry.userName,
        entry.kind,
        entry.credential,
        entry.decision,
        entry.outcome,
      ]),
    ).toEqual([
      ['kim', 'credential', 'AKIAKIMSECOND000BBBB', 'deactivate', 'deactivated'],
      ['nia', 'credential', 'password', 'deactivate', 'deactivated'],
      // Used during the wait: not deactivated.
      ['lee', 'credential', 'AKIALEESECOND000BBBB', 'deactivate', 'aborted-active'],
      ['max', 'credential', 'AKIAMAXFIRST0000AAAA', 'keep', 'kept'],
      // A Delete click on a credential case is refused: nobody decided, and the case expired.
      ['paul', 'credential', 'AKIAPAULFIRST000AAAA', null, 'expired'],
    ]);
    // Nobody was removed; these are every change made to the account.
    expect(report.remainingUsers).toHaveLength(10);
    expect(detail.changes).toEqual([
      { userName: 'kim', changes: ['access key AKIAKIMSECOND000BBBB set Inactive'], removed: [] },
      {
        userName: 'max',
        changes: [
          expect.stringMatching(/^tagged iam-janitor:keep-until:AKIAMAXFIRST0000AAAA=\d{4}-\d{2}-\d{2}$/),
        ],
        removed: [],
      },
      // Deleting the password of a user that stays removes it from the user: a dependent item.
      { userName: 'nia', changes: ['console password deleted'], removed: ['console password'] },
    ]);
    const paul = detail.cases.find((entry) => entry.run.userName === 'paul')!;
    expect(paul.ephemeral.map((post) => post.text)).toContainEqual(
      'A credential case takes Deactivate or Keep, not Delete; nothing changed.',
    );
    const kim = detail.cases.find((entry) => entry.run.userName === 'kim')!;
    expect(kim.message!.text).toBe("kim's access key AKIAKIMSECOND000BBBB: Deactivate by U0123ABCDEF");
    expect(kim.issue!.fields.summary).toBe(
      "Stale credential: kim's access key AKIAKIMSECOND000BBBB: review for deactivation",
    );
  });
});

describe('the backlog', () => {
  it('opens the 10 longest-idle of 30 idle users, keeps 20 waiting, and does not halt', async () => {
    const scenario = parseScenario(
      {
        now: '2026-11-22T09:00:00Z',
        config: { maxCasesPerRun: 10, maxCandidateFraction: 0.95 },
        users: [
          // 30 idle of 33 users is 91%: below the guard's 95%, far above the batch of 10.
          ...['active-1', 'active-2', 'active-3'].map((userName) => ({
            userName,
            createDate: '2024-01-01T00:00:00Z',
            password: true,
            passwordLastUsed: '2026-11-21T00:00:00Z',
          })),
          ...Array.from({ length: 30 }, (_, index) => ({
            userName: `idle-${String(index).padStart(2, '0')}`,
            createDate: '2024-01-01T00:00:00Z',
            password: true,
            // idle-29 has been idle longest.
            passwordLastUsed: new Date(Date.parse('2026-08-01T00:00:00Z') - index * 86_400_000).toISOString(),
          })),
        ],
      },
      'backlog scenario',
    );
    const { report } = await runScenario(scenario);
    expect(report.sweep.halted).toBe(false);
    expect(report.sweep.backlog).toBe(20);
    expect(report.sweep.candidates).toEqual(Array.from({ length: 10 }, (_, index) => `idle-${29 - index}`));
    expect(report.cases).toHaveLength(10);
  });
});
