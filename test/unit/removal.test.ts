import { IAMClient } from '@aws-sdk/client-iam';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/clients';
import {
  act,
  deletionSteps,
  planRemoval,
  type ActInput,
  type CaseExpectations,
  type Snapshot,
} from '../../lambdas/act/removal';
import { restoreUser } from '../../lambdas/act/restore';
import { runSteps } from '../../lambdas/act/runner';
import { addUser, emptyAccount, type SimAccount, type SimUser } from '../../lib/sim/account';
import type { AwsStandin, AwsStandinOptions } from '../../lib/sim/standins/aws-standin';
import { addLoadedUser } from '../helpers/loaded-user';
import { ago, startStandin } from '../helpers/standin';

const POLICY = {
  protectedTagKey: 'iam-janitor:protected',
  exemptUserNames: ['break-glass-admin'],
  exemptPathPrefixes: ['/service-accounts/'],
  keepUntilTagKey: 'iam-janitor:keep-until',
  keepDays: 90,
};

let standin: AwsStandin;
afterEach(() => standin?.stop());

async function setUp(
  options: AwsStandinOptions = {},
  build: (account: SimAccount) => void = (account) => addLoadedUser(account),
) {
  const account = emptyAccount();
  build(account);
  standin = await startStandin(account, options);
  const iam = new IAMClient({
    endpoint: standin.url,
    region: 'us-east-1',
    retryStrategy: new PatientRetryStrategy(15, 2),
  });
  return { account, iam };
}

function deleteInput(iam: IAMClient, overrides: Partial<ActInput> = {}): ActInput {
  return {
    iam,
    action: 'delete',
    userName: 'loaded',
    policy: POLICY,
    dryRun: false,
    now: new Date(),
    saveSnapshot: async () => undefined,
    ...overrides,
  };
}

/** What a case opened now on the loaded user's last use would expect. */
function expectationsOf(account: SimAccount, overrides: Partial<CaseExpectations> = {}): CaseExpectations {
  const user = account.users.get('loaded')!;
  return {
    userId: user.userId,
    openedAt: new Date().toISOString(),
    lastActivity: user.accessKeys[0]!.lastUsedDate!.toISOString(),
    ...overrides,
  };
}

function expectGone(account: SimAccount, userName = 'loaded') {
  expect(account.users.has(userName)).toBe(false);
  expect([...account.virtualMfaDevices.keys()].filter((serial) => serial.includes(userName))).toEqual([]);
}

describe('delete', () => {
  it('deletes a fully loaded user with no orphaned virtual MFA device', async () => {
    const { account, iam } = await setUp();
    const result = await act(deleteInput(iam));
    expect(result.outcome).toBe('deleted');
    expectGone(account);
    expect(standin.calls.some((call) => call.error === 'DeleteConflict')).toBe(false);
    expect(result.done).toEqual(result.planned);
  });

  it('meets DeleteConflict from the stand-in if a single dependency is skipped', async () => {
    // GIVEN the stand-in enforces IAM's rule: proof that the previous test is not trivially green
    const { iam } = await setUp();
    const plan = await planRemoval(iam, 'loaded');
    const steps = deletionSteps({ ...plan, groups: plan.groups.slice(1) });
    await expect(
      steps.reduce((chain, step) => chain.then(() => step.run(iam)), Promise.resolve<unknown>(undefined)),
    ).rejects.toThrow(/remove user from all groups/);
  });

  it('still deletes with 20% of calls throttled', async () => {
    const { account, iam } = await setUp({ faults: { iamThrottleRate: 0.2 }, seed: 11 });
    expect((await act(deleteInput(iam))).outcome).toBe('deleted');
    expect(standin.calls.filter((call) => call.error === 'Throttling').length).toBeGreaterThan(0);
    expectGone(account);
  });

  it('leaves throttling to the client: a step is not retried again on top of its retries', async () => {
    // GIVEN a client that gives up at once, and IAM throttling every mutating call
    const { iam: patient } = await setUp({
      beforeIamAction: (action) =>
        action.startsWith('Delete') ||
        action.startsWith('Detach') ||
        action.startsWith('Remove') ||
        action.startsWith('Deactivate') ||
        action.startsWith('Tag')
          ? { code: 'Throttling', message: 'Rate exceeded', status: 400 }
          : undefined,
    });
    const plan = await planRemoval(patient, 'loaded');
    const impatient = new IAMClient({ endpoint: standin.url, region: 'us-east-1', maxAttempts: 1 });
    // WHEN the steps run
    await expect(runSteps(impatient, deletionSteps(plan), { baseDelayMs: 1 })).rejects.toMatchObject({
      name: 'Throttling',
    });
    // THEN the first step was tried once: the client's one attempt, nothing more from the runner
    expect(standin.calls.filter((call) => call.error === 'Throttling')).toHaveLength(1);
  });

  it('still deletes with a ConcurrentModification on the first call of each action', async () => {
    const { account, iam } = await setUp({ faults: { concurrentModificationOnFirstCall: true } });
    expect((await act(deleteInput(iam))).outcome).toBe('deleted');
    expect(
      standin.calls.filter((call) => call.error === 'ConcurrentModification').length,
    ).toBeGreaterThanOrEqual(9);
    expectGone(account);
  });

  it('finishes the job when re-run after a crash at any step', async () => {
    const { iam: probe } = await setUp();
    const stepCount = deletionSteps(await planRemoval(probe, 'loaded')).length;
    await standin.stop();
    for (let crashAfter = 0; crashAfter < stepCount; crashAfter++) {
      // GIVEN a run that dies after `crashAfter` successful changes
      let changes = 0;
      const { account, iam } = await setUp({
        beforeIamAction: (action) => {
          if (!/^(Delete|Deactivate|Detach|Remove|Tag)/.test(action)) return undefined;
          return changes++ >= crashAfter
            ? { code: 'InjectedCrash', message: `crash before change ${changes}` }
            : undefined;
        },
      });
      let stored: Snapshot | undefined;
      await expect(
        act(deleteInput(iam, { saveSnapshot: async (snapshot) => void (stored = snapshot) })),
      ).rejects.toThrow(/crash/);
      expect(account.users.has('loaded')).toBe(true);
      // WHEN the same routine runs again with the stored snapshot THEN it finishes
      standin.options.beforeIamAction = undefined;
      expect((await act(deleteInput(iam, { previousSnapshot: stored }))).outcome).toBe('deleted');
      expectGone(account);
      await standin.stop();
    }
  });

  it('stores the snapshot before the first change', async () => {
    const { iam } = await setUp();
    let changesWhenSaved = -1;
    await act(
      deleteInput(iam, {
        saveSnapshot: async () => void (changesWhenSaved = standin.mutatingCalls().length),
      }),
    );
    expect(changesWhenSaved).toBe(0);
    expect(standin.mutatingCalls()).toHaveLength(21);
  });

  it('makes no change when the snapshot cannot be stored', async () => {
    const { account, iam } = await setUp();
    await expect(
      act(deleteInput(iam, { saveSnapshot: () => Promise.reject(new Error('table unavailable')) })),
    ).rejects.toThrow('table unavailable');
    expect(standin.mutatingCalls()).toEqual([]);
    expect(account.users.has('loaded')).toBe(true);
  });
});

describe('refusals', () => {
  it.each([
    ['a protected user', { tags: { 'iam-janitor:protected': 'yes' } }, 'loaded', /carries the protected tag/],
    ['an exempt user name', {}, 'break-glass-admin', /listed in exemptUserNames/],
    // IAM names are case-insensitive: Break-Glass-Admin is the exempt break-glass-admin.
    ['an exempt user name in another case', {}, 'Break-Glass-Admin', /listed in exemptUserNames/],
    ['an exempt path', { path: '/service-accounts/ci/' }, 'loaded', /exempt path \/service-accounts\//],
  ])('refuses %s with zero mutating calls', async (_label, overrides, userName, message) => {
    const { iam } = await setUp({}, (account) => addLoadedUser(account, userName, overrides));
    await expect(act(deleteInput(iam, { userName }))).rejects.toThrow(message);
    await expect(act(deleteInput(iam, { userName, action: 'disable' }))).rejects.toThrow(message);
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('aborts with UserBecameActiveError and zero mutating calls when a key was used after the case opened', async () => {
    const { account, iam } = await setUp();
    const expected = expectationsOf(account);
    account.users.get('loaded')!.accessKeys[1]!.lastUsedDate = ago(0);
    await expect(act(deleteInput(iam, { expected }))).rejects.toMatchObject({
      name: 'UserBecameActiveError',
    });
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('aborts when a user with no recorded use signs in during approval', async () => {
    const { account, iam } = await setUp({}, (acct) =>
      addLoadedUser(acct, 'loaded', { password: { createDate: ago(400), lastUsed: ago(0) } }),
    );
    await expect(
      act(deleteInput(iam, { expected: expectationsOf(account, { lastActivity: null }) })),
    ).rejects.toMatchObject({
      name: 'UserBecameActiveError',
    });
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('reads the same use at millisecond precision as no new activity', async () => {
    const { account, iam } = await setUp();
    const key = account.users.get('loaded')!.accessKeys[0]!;
    key.lastUsedDate = new Date(key.lastUsedDate!.getTime() + 734);
    const openedOn = new Date(Math.floor(key.lastUsedDate.getTime() / 1000) * 1000).toISOString();
    const expected = expectationsOf(account, { lastActivity: openedOn });
    expect((await act(deleteInput(iam, { expected }))).outcome).toBe('deleted');
  });

  it('proceeds when nothing was used since the case opened', async () => {
    const { account, iam } = await setUp();
    expect((await act(deleteInput(iam, { expected: expectationsOf(account) }))).outcome).toBe('deleted');
  });

  it('makes zero mutating calls in dryRun, and says what it would remove', async () => {
    const { account, iam } = await setUp();
    let saved: Snapshot | undefined;
    const result = await act(
      deleteInput(iam, { dryRun: true, saveSnapshot: async (snapshot) => void (saved = snapshot) }),
    );
    expect(result.outcome).toBe('dry-run');
    expect(result.planned).toContain('delete user loaded');
    expect(result.planned).toContain(
      `delete virtual MFA device arn:aws:iam::${account.accountId}:mfa/loaded-phone`,
    );
    expect(saved?.userName).toBe('loaded');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('is stopped by the IAM Deny on the protected tag even if the code guard were bypassed', async () => {
    const { account, iam } = await setUp({ denyMutationsOnTag: 'iam-janitor:protected' }, (acct) =>
      addLoadedUser(acct, 'loaded', { tags: { 'iam-janitor:protected': '' } }),
    );
    const plan = await planRemoval(iam, 'loaded');
    await expect(deletionSteps(plan)[0]!.run(iam)).rejects.toMatchObject({
      name: expect.stringMatching(/AccessDenied/),
    });
    expect(account.users.get('loaded')!.password).not.toBeNull();
  });
});

describe('identity: the user decided about, not the name', () => {
  /** Deletes the user and creates another person under the same name (in another case), as during an approval wait. */
  function recreate(account: SimAccount, newName = 'loaded') {
    account.users.delete('loaded');
    addUser(account, {
      userName: newName,
      userId: 'AIDANEWPERSON0000001',
      createDate: new Date(),
      password: { createDate: new Date(), lastUsed: null },
      groups: ['developers'],
    });
  }

  it.each(['delete', 'disable', 'keep'] as const)(
    'aborts %s with UserChangedError when the name now belongs to another user id',
    async (action) => {
      const { account, iam } = await setUp();
      const expected = expectationsOf(account);
      recreate(account, 'Loaded');
      await expect(act(deleteInput(iam, { action, expected }))).rejects.toMatchObject({
        name: 'UserChangedError',
        message: expect.stringMatching(/AIDANEWPERSON0000001/),
      });
      expect(standin.mutatingCalls()).toEqual([]);
      expect(account.users.get('Loaded')!.groups).toEqual(['developers']);
    },
  );

  it('finds the user whatever the case of the name, as IAM does', async () => {
    const { account, iam } = await setUp();
    const result = await act(deleteInput(iam, { userName: 'LOADED', expected: expectationsOf(account) }));
    expect(result.outcome).toBe('deleted');
    expectGone(account);
  });
});

describe('re-check: a credential the approver never saw', () => {
  const now = () => new Date();
  it.each([
    [
      'a new access key, never used',
      (user: SimUser) =>
        user.accessKeys.splice(1, 1, {
          id: 'AKIAFRESHKEY0001',
          status: 'Active',
          createDate: now(),
          lastUsedDate: null,
        }),
    ],
    ['a new console password', (user: SimUser) => (user.password = { createDate: now(), lastUsed: null })],
    [
      'a new SSH key',
      (user: SimUser) => user.sshPublicKeys.push({ id: 'APKAFRESH', status: 'Active', uploadDate: now() }),
    ],
    [
      'a new service-specific credential',
      (user: SimUser) =>
        user.serviceSpecificCredentials.push({
          id: 'ACCAFRESH',
          serviceName: 'bedrock.amazonaws.com',
          status: 'Active',
          createDate: now(),
        }),
    ],
  ])('aborts on %s issued after the case opened, with zero mutating calls', async (_label, issue) => {
    const { account, iam } = await setUp();
    const expected = expectationsOf(account, { openedAt: ago(1).toISOString() });
    issue(account.users.get('loaded')!);
    await expect(act(deleteInput(iam, { expected }))).rejects.toMatchObject({ name: 'UserChangedError' });
    await expect(act(deleteInput(iam, { expected, action: 'disable' }))).rejects.toMatchObject({
      name: 'UserChangedError',
    });
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('aborts on a credential missing from the evidence even when IAM dates it before the case', async () => {
    const { account, iam } = await setUp();
    const expected = expectationsOf(account, {
      knownCredentialIds: ['AKIALOADED1', 'AKIALOADED2', 'APKALOADED1', 'ACCALOADED1'],
      consoleAccess: true,
    });
    await expect(act(deleteInput(iam, { expected }))).rejects.toThrow(/SSH key APKALOADED2/);
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('proceeds when the evidence lists every credential the user holds', async () => {
    const { account, iam } = await setUp();
    const expected = expectationsOf(account, {
      knownCredentialIds: ['AKIALOADED1', 'AKIALOADED2', 'APKALOADED1', 'APKALOADED2', 'ACCALOADED1'],
      consoleAccess: true,
    });
    expect((await act(deleteInput(iam, { expected }))).outcome).toBe('deleted');
  });

  it('aborts with UserBecameActiveError when CloudTrail shows use of an SSH key since the case opened', async () => {
    const { account, iam } = await setUp();
    const asked: string[] = [];
    const trailUseSince = async (userName: string) => {
      asked.push(userName);
      return ago(0).toISOString();
    };
    await expect(
      act(deleteInput(iam, { expected: expectationsOf(account), trailUseSince })),
    ).rejects.toMatchObject({ name: 'UserBecameActiveError', message: expect.stringMatching(/SSH key/) });
    expect(asked).toEqual(['loaded']);
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('reads CloudTrail only for a user who holds an SSH key or service-specific credential', async () => {
    const { account, iam } = await setUp({}, (acct) =>
      addLoadedUser(acct, 'loaded', { sshPublicKeys: [], serviceSpecificCredentials: [] }),
    );
    const trailUseSince = jest.fn(async () => ago(0).toISOString());
    expect((await act(deleteInput(iam, { expected: expectationsOf(account), trailUseSince }))).outcome).toBe(
      'deleted',
    );
    expect(trailUseSince).not.toHaveBeenCalled();
  });
});

describe('the steps IAM cannot guard', () => {
  const groupsOnly = (account: SimAccount) =>
    addUser(account, { userName: 'grouped', createDate: ago(400), groups: ['admins', 'developers'] });

  it('lets RemoveUserFromGroup through on a protected user, as real IAM does (the Deny names the user, not the group)', async () => {
    const { account, iam } = await setUp({ denyMutationsOnTag: 'iam-janitor:protected' }, groupsOnly);
    account.users.get('grouped')!.tags['iam-janitor:protected'] = 'yes';
    const plan = await planRemoval(iam, 'grouped');
    await deletionSteps(plan)[0]!.run(iam);
    expect(account.users.get('grouped')!.groups).toEqual(['developers']);
  });

  it('re-reads the user before each such step: a protected tag added mid-run stops it', async () => {
    const { account, iam } = await setUp(
      {
        denyMutationsOnTag: 'iam-janitor:protected',
        // The tag lands after the plan read the user's tags, before any change.
        beforeIamAction: (action) => {
          if (action === 'ListGroupsForUser')
            account.users.get('grouped')!.tags['iam-janitor:protected'] = '';
          return undefined;
        },
      },
      groupsOnly,
    );
    await expect(act(deleteInput(iam, { userName: 'grouped' }))).rejects.toMatchObject({
      name: 'ProtectedUserError',
    });
    expect(account.users.get('grouped')!.groups).toEqual(['admins', 'developers']);
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it("never deletes a virtual MFA device from an earlier snapshot that is someone else's now", async () => {
    const { account, iam } = await setUp();
    const earlier = await planRemoval(iam, 'loaded');
    const user = account.users.get('loaded')!;
    // GIVEN the earlier run's device list names three devices IAM no longer lists under the user:
    // - ours: deactivated by the interrupted run, which tagged it with the user id first;
    // - a namesake: unassigned, untagged (say, created since for someone mid-enrolment);
    // - reassigned: given to another person since.
    const ours = `arn:aws:iam::${account.accountId}:mfa/loaded-old`;
    const namesake = `arn:aws:iam::${account.accountId}:mfa/loaded-new`;
    const reassigned = `arn:aws:iam::${account.accountId}:mfa/loaded-tablet`;
    account.virtualMfaDevices.set(ours, {
      assignedTo: null,
      tags: { 'iam-janitor:deactivated-for': user.userId },
    });
    account.virtualMfaDevices.set(namesake, { assignedTo: null });
    addUser(account, {
      userName: 'colleague',
      mfaDevices: [{ serialNumber: reassigned, virtual: true, enableDate: new Date() }],
    });
    const previousSnapshot = {
      ...earlier,
      mfaDevices: [
        ...earlier.mfaDevices,
        { serialNumber: ours, virtual: true },
        { serialNumber: namesake, virtual: true },
        { serialNumber: reassigned, virtual: true },
      ],
    };
    const result = await act(deleteInput(iam, { previousSnapshot }));
    expect(result.planned).toContain(
      `delete virtual MFA device ${ours} (deactivated by the interrupted run)`,
    );
    expect(result.planned.join('\n')).not.toContain(namesake);
    expect(result.planned.join('\n')).not.toContain(reassigned);
    expect(account.virtualMfaDevices.has(ours)).toBe(false);
    expect(account.virtualMfaDevices.get(namesake)).toEqual({ assignedTo: null });
    expect(account.virtualMfaDevices.get(reassigned)).toEqual({ assignedTo: 'colleague' });
  });

  it('tags a virtual MFA device with the user id before deactivating it, so a re-run can prove it is ours', async () => {
    const { account, iam } = await setUp();
    const user = account.users.get('loaded')!;
    const serial = user.mfaDevices.find((device) => device.virtual)!.serialNumber;
    const plan = await planRemoval(iam, 'loaded');
    const descriptions = deletionSteps(plan).map((step) => step.description);
    expect(
      descriptions.indexOf(`tag virtual MFA device ${serial} iam-janitor:deactivated-for=${user.userId}`),
    ).toBe(descriptions.indexOf(`deactivate MFA device ${serial}`) - 1);
  });

  it('ignores an earlier snapshot of another user id under the same name', async () => {
    const { account, iam } = await setUp();
    const leftover = `arn:aws:iam::${account.accountId}:mfa/someone-else`;
    account.virtualMfaDevices.set(leftover, { assignedTo: null });
    const earlier = await planRemoval(iam, 'loaded');
    const previousSnapshot = {
      ...earlier,
      userId: 'AIDAANOTHERPERSON001',
      mfaDevices: [{ serialNumber: leftover, virtual: true }],
    };
    await act(deleteInput(iam, { previousSnapshot }));
    expect(account.virtualMfaDevices.has(leftover)).toBe(true);
  });
});

describe('disable and keep', () => {
  it('disables: keys inactive, console password gone, user and permissions kept, tagged disabled-at', async () => {
    const { account, iam } = await setUp();
    expect((await act(deleteInput(iam, { action: 'disable' }))).outcome).toBe('disabled');
    const user = account.users.get('loaded')!;
    expect(user.accessKeys.map((key) => key.status)).toEqual(['Inactive', 'Inactive']);
    expect(user.password).toBeNull();
    // Every other way in is closed too, and each can be turned on again.
    expect(user.sshPublicKeys.map((key) => key.status)).toEqual(['Inactive', 'Inactive']);
    expect(user.serviceSpecificCredentials.map((credential) => credential.status)).toEqual(['Inactive']);
    expect(user.signingCertificates.map((cert) => cert.status)).toEqual(['Inactive', 'Inactive']);
    expect(user.groups).toHaveLength(3);
    expect(user.tags['iam-janitor:disabled-at']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('keeps: tags keep-until with today plus keepDays, and changes nothing else', async () => {
    const { account, iam } = await setUp();
    const result = await act(deleteInput(iam, { action: 'keep', now: new Date('2026-11-22T09:00:00Z') }));
    expect(result.outcome).toBe('kept');
    expect(account.users.get('loaded')!.tags['iam-janitor:keep-until']).toBe('2027-02-20');
    expect(standin.mutatingCalls().map((call) => call.action)).toEqual(['TagUser']);
  });
});

describe('keep on a user protected since the case opened', () => {
  it('keeps without tagging, so the IAM Deny is never hit', async () => {
    const { iam } = await setUp({ denyMutationsOnTag: 'iam-janitor:protected' }, (account) =>
      addLoadedUser(account, 'loaded', { tags: { 'iam-janitor:protected': 'true' } }),
    );
    expect((await act(deleteInput(iam, { action: 'keep' }))).outcome).toBe('kept');
    expect(standin.calls.filter((call) => call.error)).toEqual([]);
    expect(standin.mutatingCalls()).toEqual([]);
  });
});

describe('snapshot round trip', () => {
  it('restores the user equal to the original in path, tags, boundary, groups, managed and inline policies', async () => {
    const { account, iam } = await setUp();
    const original = structuredClone(account.users.get('loaded')!);
    let snapshot: Snapshot | undefined;
    await act(deleteInput(iam, { saveSnapshot: async (taken) => void (snapshot = taken) }));
    expectGone(account);

    const restoredResult = await restoreUser(iam, JSON.parse(JSON.stringify(snapshot)) as Snapshot);
    expect(restoredResult.failed).toEqual([]);

    const restored = account.users.get('loaded')!;
    expect(restored.path).toBe(original.path);
    expect(restored.tags).toEqual(original.tags);
    expect(restored.permissionsBoundary).toBe(original.permissionsBoundary);
    expect([...restored.groups].sort()).toEqual([...original.groups].sort());
    expect([...restored.managedPolicies].sort()).toEqual([...original.managedPolicies].sort());
    const documents = (policies: Record<string, string>) =>
      Object.fromEntries(Object.entries(policies).map(([name, text]) => [name, JSON.parse(text) as unknown]));
    expect(documents(restored.inlinePolicies)).toEqual(documents(original.inlinePolicies));
    expect(restored.accessKeys).toEqual([]);
    expect(restored.password).toBeNull();
  });

  it('refuses to restore over an existing user', async () => {
    const { iam } = await setUp();
    const snapshot = await planRemoval(iam, 'loaded');
    await expect(restoreUser(iam, snapshot)).rejects.toThrow(/already exists/);
    expect(standin.mutatingCalls()).toEqual([]);
  });
});
