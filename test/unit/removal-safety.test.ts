import { deleteInput, expectationsOf, expectGone, setUp, standin, stopStandin } from '../helpers/removal';
import { act } from '../../lambdas/act/act';
import { deletionSteps } from '../../lambdas/act/steps';
import { readUser, type Snapshot } from '../../lambdas/commons/iam/snapshot';
import { addUser, type SimAccount, type SimUser } from '../../lib/sim/account';
import { addLoadedUser } from '../helpers/loaded-user';
import { ago } from '../helpers/standin';

afterEach(stopStandin);

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
    const plan = await readUser(iam, 'loaded');
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
