import { deleteInput, expectGone, setUp, standin, stopStandin } from '../helpers/removal';
import { IAMClient } from '@aws-sdk/client-iam';
import { act } from '../../lambdas/act/act';
import { deletionSteps } from '../../lambdas/act/steps';
import { readUser, type Snapshot } from '../../lambdas/commons/iam/snapshot';
import { restoreUser } from '../../lambdas/act/restore';
import { runSteps } from '../../lambdas/act/runner';
import { addLoadedUser } from '../helpers/loaded-user';

afterEach(stopStandin);

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
    const plan = await readUser(iam, 'loaded');
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
    const plan = await readUser(patient, 'loaded');
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
    const stepCount = deletionSteps(await readUser(probe, 'loaded')).length;
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
      // The steps done before the crash, as the remover records them in the case.
      const previousSteps: string[] = [];
      await expect(
        act(
          deleteInput(iam, {
            saveSnapshot: async (snapshot) => void (stored = snapshot),
            onStep: (step) => void previousSteps.push(step.description),
          }),
        ),
      ).rejects.toThrow(/crash/);
      expect(account.users.has('loaded')).toBe(true);
      // WHEN the same routine runs again with the stored snapshot THEN it finishes
      standin.options.beforeIamAction = undefined;
      expect((await act(deleteInput(iam, { previousSnapshot: stored, previousSteps }))).outcome).toBe(
        'deleted',
      );
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

  it('ends the sessions issued before: AWSDenyAll is attached first, and the own policies stay', async () => {
    // GIVEN a user who may hold STS or console sessions got before the Disable (they cannot be
    // revoked; AWS evaluates their permissions at every request)
    const { account, iam } = await setUp();
    const before = [...account.users.get('loaded')!.managedPolicies];
    const result = await act(deleteInput(iam, { action: 'disable' }));
    const user = account.users.get('loaded')!;
    expect(user.managedPolicies).toEqual([...before, 'arn:aws:iam::aws:policy/AWSDenyAll']);
    // First: the deny refuses a session's next request even while the keys are still being turned off.
    expect(standin.mutatingCalls()[0]).toMatchObject({
      action: 'AttachUserPolicy',
      params: { UserName: 'loaded', PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' },
    });
    expect(result.done[0]).toMatch(/^attach the deny-all policy arn:aws:iam::aws:policy\/AWSDenyAll /);
  });

  it('does not attach AWSDenyAll to a user who held it already, so that no undo takes it off', async () => {
    const { iam } = await setUp({}, (account) => {
      const user = addLoadedUser(account);
      user.managedPolicies.push('arn:aws:iam::aws:policy/AWSDenyAll');
    });
    const result = await act(deleteInput(iam, { action: 'disable' }));
    expect(result.outcome).toBe('disabled');
    expect(standin.mutatingCalls().map((call) => call.action)).not.toContain('AttachUserPolicy');
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
    const snapshot = await readUser(iam, 'loaded');
    await expect(restoreUser(iam, snapshot)).rejects.toThrow(/already exists/);
    expect(standin.mutatingCalls()).toEqual([]);
  });
});
