import { deleteInput, setUp, standin, stopStandin } from '../helpers/removal';
import { act } from '../../lambdas/act/act';
import { deletionSteps } from '../../lambdas/act/steps';
import { readUser } from '../../lambdas/commons/iam/snapshot';
import { addUser, type SimAccount } from '../../lib/sim/account';
import { ago } from '../helpers/standin';

afterEach(stopStandin);

describe('the steps IAM cannot guard', () => {
  const groupsOnly = (account: SimAccount) =>
    addUser(account, { userName: 'grouped', createDate: ago(400), groups: ['admins', 'developers'] });

  it('lets RemoveUserFromGroup through on a protected user, as real IAM does (the Deny names the user, not the group)', async () => {
    const { account, iam } = await setUp({ denyMutationsOnTag: 'iam-janitor:protected' }, groupsOnly);
    account.users.get('grouped')!.tags['iam-janitor:protected'] = 'yes';
    const plan = await readUser(iam, 'grouped');
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
    const earlier = await readUser(iam, 'loaded');
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
    // The case record lists the tag step the interrupted run did.
    const previousSteps = [`tag virtual MFA device ${ours} iam-janitor:deactivated-for=${user.userId}`];
    const result = await act(deleteInput(iam, { previousSnapshot, previousSteps }));
    expect(result.planned).toContain(
      `delete virtual MFA device ${ours} (deactivated by the interrupted run)`,
    );
    expect(result.planned.join('\n')).not.toContain(namesake);
    expect(result.planned.join('\n')).not.toContain(reassigned);
    expect(account.virtualMfaDevices.has(ours)).toBe(false);
    expect(account.virtualMfaDevices.get(namesake)).toEqual({ assignedTo: null });
    expect(account.virtualMfaDevices.get(reassigned)).toEqual({ assignedTo: 'colleague' });
  });

  it('never deletes an unassigned device whose deactivated-for tag no recorded run wrote', async () => {
    const { account, iam } = await setUp();
    const earlier = await readUser(iam, 'loaded');
    const user = account.users.get('loaded')!;
    // GIVEN an admin took the user's old phone off it (DeactivateMFADevice) to hand it on, and
    // someone who may tag the device wrote the marker iam-janitor writes, with the user's id
    const handedOn = `arn:aws:iam::${account.accountId}:mfa/loaded-old`;
    account.virtualMfaDevices.set(handedOn, {
      assignedTo: null,
      tags: { 'IAM-Janitor:Deactivated-For': user.userId },
    });
    const previousSnapshot = {
      ...earlier,
      mfaDevices: [...earlier.mfaDevices, { serialNumber: handedOn, virtual: true }],
    };
    // WHEN the deletion runs with a record that lists no such tag step
    const result = await act(deleteInput(iam, { previousSnapshot, previousSteps: [] }));
    // THEN the user is deleted and the device stays
    expect(result.outcome).toBe('deleted');
    expect(result.planned.join('\n')).not.toContain(handedOn);
    expect(account.virtualMfaDevices.has(handedOn)).toBe(true);
  });

  it('tags a virtual MFA device with the user id before deactivating it, so a re-run can prove it is ours', async () => {
    const { account, iam } = await setUp();
    const user = account.users.get('loaded')!;
    const serial = user.mfaDevices.find((device) => device.virtual)!.serialNumber;
    const plan = await readUser(iam, 'loaded');
    const descriptions = deletionSteps(plan).map((step) => step.description);
    expect(
      descriptions.indexOf(`tag virtual MFA device ${serial} iam-janitor:deactivated-for=${user.userId}`),
    ).toBe(descriptions.indexOf(`deactivate MFA device ${serial}`) - 1);
  });

  it('ignores an earlier snapshot of another user id under the same name', async () => {
    const { account, iam } = await setUp();
    const leftover = `arn:aws:iam::${account.accountId}:mfa/someone-else`;
    account.virtualMfaDevices.set(leftover, { assignedTo: null });
    const earlier = await readUser(iam, 'loaded');
    const previousSnapshot = {
      ...earlier,
      userId: 'AIDAANOTHERPERSON001',
      mfaDevices: [{ serialNumber: leftover, virtual: true }],
    };
    await act(deleteInput(iam, { previousSnapshot }));
    expect(account.virtualMfaDevices.has(leftover)).toBe(true);
  });
});
