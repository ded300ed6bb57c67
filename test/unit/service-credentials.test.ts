import { ListServiceSpecificCredentialsCommand, type IAMClient } from '@aws-sdk/client-iam';
import { act } from '../../lambdas/act/act';
import { readUser } from '../../lambdas/commons/iam/snapshot';
import type { UserCase } from '../../lambdas/commons/case/history';
import { runInventory } from '../../lambdas/inventory/inventory';
import { holdsUndatedCredentials } from '../../lambdas/watch-quarantine/regions';
import type { SimUser } from '../../lib/sim/account';
import { addLoadedUser } from '../helpers/loaded-user';
import { deleteInput, expectGone, setUp, standin, stopStandin } from '../helpers/removal';
import { POLICY } from '../helpers/report';

/**
 * Service-specific credentials of every kind IAM issues (CreateServiceSpecificCredential: CodeCommit,
 * Keyspaces, and the Bedrock and CloudWatch Logs API keys), read through every page: IAM pages
 * ListServiceSpecificCredentials and may answer fewer items than asked, as the stand-in always does
 * (two a page). A credential on a later page must be snapshotted, removed, disabled and seen.
 */
afterEach(stopStandin);

const CREDENTIALS: SimUser['serviceSpecificCredentials'] = [
  { id: 'ACCAGIT000001', serviceName: 'codecommit.amazonaws.com', status: 'Active' },
  { id: 'ACCAGIT000002', serviceName: 'codecommit.amazonaws.com', status: 'Inactive' },
  { id: 'ACCAKEYSPACE1', serviceName: 'cassandra.amazonaws.com', status: 'Active' },
  { id: 'ACCABEDROCK01', serviceName: 'bedrock.amazonaws.com', status: 'Active' },
  { id: 'ACCALOGSKEY01', serviceName: 'logs.amazonaws.com', status: 'Active' },
];
const IDS = CREDENTIALS.map((credential) => credential.id);

const withFiveKinds = () =>
  setUp({}, (account) =>
    addLoadedUser(account, 'loaded', { serviceSpecificCredentials: structuredClone(CREDENTIALS) }),
  );

const listCalls = () => standin.calls.filter((call) => call.action === 'ListServiceSpecificCredentials');

describe('the stand-in pages ListServiceSpecificCredentials as IAM may', () => {
  it('answers two at a time with IsTruncated and a Marker, filters by ServiceName, and refuses AllUsers with UserName', async () => {
    const { iam } = await withFiveKinds();
    const first = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'loaded' }));
    expect(
      first.ServiceSpecificCredentials?.map((credential) => credential.ServiceSpecificCredentialId),
    ).toEqual(IDS.slice(0, 2));
    expect(first).toMatchObject({ IsTruncated: true, Marker: expect.any(String) });
    const bedrock = await iam.send(
      new ListServiceSpecificCredentialsCommand({ UserName: 'loaded', ServiceName: 'bedrock.amazonaws.com' }),
    );
    expect(bedrock.ServiceSpecificCredentials).toEqual([
      expect.objectContaining({
        ServiceSpecificCredentialId: 'ACCABEDROCK01',
        ServiceCredentialAlias: expect.any(String),
      }),
    ]);
    await expect(
      iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'loaded', AllUsers: true })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('every service-specific credential, on every page', () => {
  it('is in the snapshot, with its kind', async () => {
    const { iam } = await withFiveKinds();
    const snapshot = await readUser(iam, 'loaded');
    expect(
      snapshot.serviceSpecificCredentials.map((credential) => [credential.id, credential.serviceName]),
    ).toEqual(CREDENTIALS.map((credential) => [credential.id, credential.serviceName]));
    expect(
      snapshot.serviceSpecificCredentials.find((credential) => credential.id === 'ACCALOGSKEY01'),
    ).toMatchObject({
      status: 'Active',
      alias: expect.stringContaining('loaded'),
    });
    // Three pages: the reader followed the Marker twice.
    expect(listCalls().map((call) => call.params.Marker)).toEqual([undefined, '2', '4']);
  });

  it('is deleted before the user, so that DeleteUser meets no DeleteConflict', async () => {
    const { account, iam } = await withFiveKinds();
    const result = await act(deleteInput(iam));
    expect(result.outcome).toBe('deleted');
    expectGone(account);
    for (const id of IDS)
      expect(result.done).toContainEqual(expect.stringContaining(`delete service-specific credential ${id}`));
  });

  it('is deactivated by a Disable', async () => {
    const { account, iam } = await withFiveKinds();
    expect((await act(deleteInput(iam, { action: 'disable' }))).outcome).toBe('disabled');
    expect(
      account.users.get('loaded')!.serviceSpecificCredentials.map((credential) => credential.status),
    ).toEqual(CREDENTIALS.map(() => 'Inactive'));
  });

  it('lets the inventory judge again a disabled user whose API key on the last page is on again', async () => {
    const { account, iam } = await withFiveKinds();
    const disabled = await disableThroughCase(iam, account.users.get('loaded')!);
    // GIVEN another admin turns the CloudWatch Logs API key back on (UpdateServiceSpecificCredential)
    const user = account.users.get('loaded')!;
    user.serviceSpecificCredentials.find((credential) => credential.id === 'ACCALOGSKEY01')!.status =
      'Active';
    const inventory = await runInventory({
      iam,
      policy: POLICY,
      now: new Date(),
      report: { pollIntervalMs: 5 },
      userCases: async () => new Map([[user.userId, [disabled]]]),
    });
    expect(inventory.users.find((found) => found.userName === 'loaded')).toMatchObject({
      verdict: 'inactive',
    });
    expect(inventory.markerWarnings[0]?.warning).toContain(
      'service-specific credential ACCALOGSKEY01 is active again',
    );
  });

  it('is seen by the watcher, whose question is only whether one exists', async () => {
    const { iam } = await setUp({}, (account) =>
      addLoadedUser(account, 'loaded', {
        sshPublicKeys: [],
        serviceSpecificCredentials: [
          { id: 'ACCABEDROCK01', serviceName: 'bedrock.amazonaws.com', status: 'Inactive' },
        ],
      }),
    );
    expect(holdsUndatedCredentials(await readUser(iam, 'loaded'))).toBe(true);
  });
});

/** Disables the user as the remover does, and returns the case as the cases-by-user index holds it. */
async function disableThroughCase(iam: IAMClient, user: SimUser): Promise<UserCase> {
  const result = await act(deleteInput(iam, { action: 'disable' }));
  return {
    caseId: 'case-of-loaded',
    userId: user.userId,
    candidate: {
      userName: user.userName,
      userId: user.userId,
      arn: user.arn,
      reason: 'idle',
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays: 90,
      kind: 'user',
      subjectId: user.userId,
    },
    outcome: result.outcome,
    decision: { decision: 'disable', decidedBy: 'U0APPROVER1', decidedAt: new Date().toISOString() },
    removed: result.done,
  };
}
