import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DeleteUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { configureClients } from '../../lambdas/commons/runtime/client-settings';
import { organizationsClient } from '../../lambdas/commons/runtime/clients';
import { listMemberAccounts } from '../../lambdas/list-accounts/accounts';
import { addUser, emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import type { SimOrganization } from '../../lib/sim/standins/organization-standin';

const HUB_CREDENTIALS = { accessKeyId: 'AKIAHUBFUNCTIONROLE0', secretAccessKey: 'hub' };

/** An organization of two members behind a hub stand-in: prod in an OU under the root, dev at the root. */
function organization(overrides: Partial<SimOrganization> = {}): SimOrganization {
  const prod = emptyAccount('111111111111');
  addUser(prod, { userName: 'alice' });
  const dev = emptyAccount('222222222222');
  return {
    id: 'o-simulated01',
    managementAccountId: '999999999999',
    rootId: 'r-sim1',
    units: [
      { id: 'ou-sim1-prod0001', parentId: 'r-sim1', name: 'prod' },
      { id: 'ou-sim1-deep0001', parentId: 'ou-sim1-prod0001', name: 'prod-deep' },
    ],
    members: [
      { accountId: '111111111111', name: 'prod', parentId: 'ou-sim1-prod0001', account: prod },
      { accountId: '222222222222', name: 'dev', parentId: 'r-sim1', account: dev },
      {
        accountId: '333333333333',
        name: 'deep',
        parentId: 'ou-sim1-deep0001',
        account: emptyAccount('333333333333'),
      },
      {
        accountId: '444444444444',
        name: 'closing',
        parentId: 'r-sim1',
        state: 'SUSPENDED',
        account: emptyAccount('444444444444'),
      },
    ],
    memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
    externalId: 'iam-janitor',
    ...overrides,
  };
}

describe('organization stand-in: as strict as STS, Organizations and the member roles', () => {
  let hub: AwsStandin;
  const sts = () =>
    new STSClient({ endpoint: hub.url, region: 'us-east-1', credentials: HUB_CREDENTIALS, maxAttempts: 1 });
  const assume = (RoleArn: string, ExternalId = 'iam-janitor', client = sts()) =>
    client.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'iam-janitor-test', ExternalId }));
  const iamAs = (credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) =>
    new IAMClient({
      endpoint: hub.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: credentials.AccessKeyId!,
        secretAccessKey: credentials.SecretAccessKey!,
        sessionToken: credentials.SessionToken,
      },
    });

  beforeEach(async () => {
    hub = new AwsStandin(emptyAccount('999999999999'), { organization: organization() });
    await hub.start();
  });
  afterEach(() => hub.stop());

  it('routes a member session to its own account, and the hub credentials to the hub account', async () => {
    const { Credentials } = await assume('arn:aws:iam::111111111111:role/iam-janitor-member-reader');
    const member = await iamAs(Credentials!).send(new GetUserCommand({ UserName: 'alice' }));
    expect(member.User?.Arn).toBe('arn:aws:iam::111111111111:user/alice');
    // Forgetting to assume reaches the hub's own account, where alice does not exist.
    await expect(
      iamAs({ AccessKeyId: HUB_CREDENTIALS.accessKeyId, SecretAccessKey: 'hub' }).send(
        new GetUserCommand({ UserName: 'alice' }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('refuses a wrong external id, an unknown role, and chaining from one member into another', async () => {
    await expect(
      assume('arn:aws:iam::111111111111:role/iam-janitor-member-reader', 'guessed'),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      assume('arn:aws:iam::111111111111:role/OrganizationAccountAccessRole'),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    const { Credentials } = await assume('arn:aws:iam::111111111111:role/iam-janitor-member-reader');
    const fromMember = new STSClient({
      endpoint: hub.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    });
    await expect(
      assume('arn:aws:iam::222222222222:role/iam-janitor-member-remover', 'iam-janitor', fromMember),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('lets the reader role read and never change IAM; the remover may change it', async () => {
    const reader = await assume('arn:aws:iam::111111111111:role/iam-janitor-member-reader');
    await expect(
      iamAs(reader.Credentials!).send(new DeleteUserCommand({ UserName: 'alice' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(organization().members[0]!.account.users.has('alice')).toBe(true);
    const remover = await assume('arn:aws:iam::111111111111:role/iam-janitor-member-remover');
    await iamAs(remover.Credentials!).send(new DeleteUserCommand({ UserName: 'alice' }));
    expect(
      hub
        .member('111111111111')
        .mutatingCalls()
        .map((call) => call.action),
    ).toEqual(['DeleteUser']);
  });

  it('answers Organizations to the hub only, and lists active accounts minus the excluded ones, nested OUs included', async () => {
    const member = await assume('arn:aws:iam::111111111111:role/iam-janitor-member-reader');
    const fromMember = new OrganizationsClient({
      endpoint: hub.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: member.Credentials!.AccessKeyId!,
        secretAccessKey: member.Credentials!.SecretAccessKey!,
        sessionToken: member.Credentials!.SessionToken,
      },
    });
    await expect(fromMember.send(new ListAccountsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });

    configureClients({
      endpoints: { organizations: hub.url },
      credentials: HUB_CREDENTIALS,
      region: 'us-east-1',
    });
    const all = await listMemberAccounts(organizationsClient(), {
      excludeAccountIds: [],
      excludeOrganizationalUnitIds: [],
    });
    expect(all.accounts.map((account) => account.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
    ]);
    expect(all.inactive).toEqual(['444444444444']);
    // Excluding the prod OU excludes the OU nested under it too.
    const some = await listMemberAccounts(organizationsClient(), {
      excludeAccountIds: ['222222222222'],
      excludeOrganizationalUnitIds: ['ou-sim1-prod0001'],
    });
    expect(some.accounts).toEqual([]);
    expect(some.excluded).toEqual(['111111111111', '222222222222', '333333333333']);
    await expect(
      listMemberAccounts(organizationsClient(), {
        excludeAccountIds: [],
        excludeOrganizationalUnitIds: ['ou-sim1-nope0000'],
      }),
    ).rejects.toMatchObject({ name: 'ParentNotFoundException' });
  });
});
