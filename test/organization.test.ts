import * as path from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DeleteUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { Match } from 'aws-cdk-lib/assertions';
import { configureClients, organizationsClient } from '../lambdas/commons/runtime/clients';
import { parseConfig } from '../lambdas/commons/config/config';
import { listMemberAccounts } from '../lambdas/list-accounts/accounts';
import { addUser, emptyAccount } from '../lib/sim/account';
import { AwsStandin } from '../lib/sim/standins/aws-standin';
import type { SimOrganization } from '../lib/sim/standins/organization-standin';
import { runScenario } from '../lib/sim/run-scenario';
import { loadScenario, parseScenario } from '../lib/sim/scenario';
import { memberRolesTemplate } from '../lib/infra/member-roles';
import { summaryOf, summaryText } from '../lambdas/summary/summary';
import { synthStack, VALID_CONFIG } from './helpers/stack';

const example = path.join(__dirname, '..', 'examples', 'organization.json');
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
    const all = await listMemberAccounts(await organizationsClient(), {
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
    const some = await listMemberAccounts(await organizationsClient(), {
      excludeAccountIds: ['222222222222'],
      excludeOrganizationalUnitIds: ['ou-sim1-prod0001'],
    });
    expect(some.accounts).toEqual([]);
    expect(some.excluded).toEqual(['111111111111', '222222222222', '333333333333']);
    await expect(
      listMemberAccounts(await organizationsClient(), {
        excludeAccountIds: [],
        excludeOrganizationalUnitIds: ['ou-sim1-nope0000'],
      }),
    ).rejects.toMatchObject({ name: 'ParentNotFoundException' });
  });
});

describe('examples/organization.json: three accounts, one failing, decided through one Slack app', () => {
  it('opens cases in two accounts, each stamped with its account, reports the failing one, and acts only where decided', async () => {
    const seen: { labels: string[][]; channels: string[]; accountRows: boolean[] } = {
      labels: [],
      channels: [],
      accountRows: [],
    };
    const detail = await runScenario(loadScenario(example), {
      afterRun: async (sim) => {
        seen.labels = [...sim.jira.issues.values()].map((issue) => issue.fields.labels);
        // The organization's sweep record (what the weekly summary reads) names the failed account.
        expect(await sim.sweeps.latestSweep()).toMatchObject({
          failedAccounts: ['333333333333'],
          haltedAccounts: [],
        });
        seen.channels = [...sim.slack.messages.values()].map((message) => message.channel);
        seen.accountRows = [...sim.slack.messages.values()].map((message) =>
          JSON.stringify(message.blocks).includes('*AWS account*'),
        );
        // Nothing ever reached the failing account, and no assumed session reached the hub's IAM.
        expect(sim.aws.member('333333333333').calls).toEqual([]);
        expect(sim.aws.mutatingCalls()).toEqual([]);
        expect(
          sim.aws
            .member('111111111111')
            .mutatingCalls()
            .map((call) => call.params.UserName),
        ).toEqual(expect.arrayContaining(['alice']));
        expect(
          sim.aws
            .member('111111111111')
            .mutatingCalls()
            .some((call) => call.params.UserName !== 'alice'),
        ).toBe(false);
      },
    });
    const { report } = detail;
    expect(report.sweep.accounts).toEqual({
      swept: 2,
      failed: [{ accountId: '333333333333', error: 'AccessDenied' }],
      halted: [],
      // Organizations lists the management account; StackSets never reach it, so it is not swept.
      managementAccountSkipped: '999999999999',
    });
    expect(
      report.cases.map((entry) => [entry.accountId, entry.userName, entry.decidedBy, entry.outcome]),
    ).toEqual([
      ['111111111111', 'alice', 'U0123ABCDEF', 'deleted'],
      ['222222222222', 'alice', 'U0SANDBOX01', 'disabled'],
    ]);
    expect(report.cases.every((entry) => entry.snapshotSaved)).toBe(true);
    // The same name in two accounts: two cases, two tickets, two users; one deleted, one disabled.
    expect(report.remainingUsers).toEqual([
      '111111111111/bob',
      '111111111111/break-glass',
      '222222222222/alice',
      '222222222222/carol',
      '333333333333/frank',
    ]);
    expect(seen.labels).toEqual([
      expect.arrayContaining(['aws-account-111111111111']),
      expect.arrayContaining(['aws-account-222222222222']),
    ]);
    // The sandbox's own channel and approver (accountOverrides), the default channel for prod.
    expect(seen.channels.sort()).toEqual(['C0SANDBOX01', 'C0SIMULATED']);
    // Each approval request names the account it is about.
    expect(seen.accountRows).toEqual([true, true]);
    const [prod, sandbox] = detail.cases;
    expect(prod!.run.caseId).toMatch(/^111111111111-AIDA[A-Z2-7]+-2026-11-22$/);
    expect(prod!.issue?.fields.summary).toBe(
      'Inactive IAM user alice in prod-payments (111111111111): review for removal',
    );
    expect(prod!.record?.snapshot?.accountId).toBe('111111111111');
    expect(sandbox!.record?.candidate).toMatchObject({
      accountId: '222222222222',
      accountAlias: 'dev-sandbox',
    });
    // The sandbox's threshold is 30 days (accountOverrides): 52 idle days is a candidate there.
    expect(sandbox!.record?.candidate.reason).toBe('access key 1 last used 52 days ago (threshold 30)');
  });

  it('refuses a decision from an approver of another account, whatever the button says', async () => {
    const scenario = loadScenario(example);
    const sandbox = scenario.accounts!.find((account) => account.accountId === '222222222222')!;
    // The global approver clicks Delete on the sandbox case: only U0SANDBOX01 decides there.
    sandbox.decisions.alice = { action: 'delete', by: 'U0123ABCDEF' };
    const { report, cases } = await runScenario(scenario);
    const entry = report.cases.find((found) => found.accountId === '222222222222')!;
    expect(entry.outcome).toBe('expired');
    expect(report.remainingUsers).toContain('222222222222/alice');
    expect(cases[1]!.ephemeral.map((post) => post.text)).toContainEqual(
      expect.stringContaining('You are not an approver of AWS account 222222222222'),
    );
  });
});

describe('safety in a member account', () => {
  it('never removes a user protected during the wait, nor touches the same name in another account', async () => {
    const scenario = loadScenario(example);
    const prod = scenario.accounts!.find((account) => account.accountId === '111111111111')!;
    // prod's alice is tagged protected while her case waits; the approver still clicks Delete.
    prod.duringApproval.alice = { tags: { 'iam-janitor:protected': 'legal hold' } };
    const seen: { prodChanges: string[]; sandboxChanges: string[] } = { prodChanges: [], sandboxChanges: [] };
    const { report } = await runScenario(scenario, {
      afterRun: async (sim) => {
        seen.prodChanges = sim.aws
          .member('111111111111')
          .mutatingCalls()
          .map((call) => call.action);
        seen.sandboxChanges = sim.aws
          .member('222222222222')
          .mutatingCalls()
          .map((call) => call.action);
      },
    });
    const prodCase = report.cases.find((entry) => entry.accountId === '111111111111')!;
    expect(prodCase).toMatchObject({ decision: 'delete', outcome: 'failed', snapshotSaved: false });
    expect(seen.prodChanges).toEqual([]);
    expect(report.remainingUsers).toContain('111111111111/alice');
    // The sandbox's alice, a different user with the same name, got her own decision only.
    expect(report.cases.find((entry) => entry.accountId === '222222222222')).toMatchObject({
      outcome: 'disabled',
    });
    expect(seen.sandboxChanges.length).toBeGreaterThan(0);
  });
});

describe('the blast-radius guard, per account and for the organization', () => {
  const idle = (userName: string) => ({
    userName,
    createDate: '2024-01-01T00:00:00Z',
    password: true,
    passwordLastUsed: '2026-01-01T00:00:00Z',
  });
  const active = (userName: string) => ({ ...idle(userName), passwordLastUsed: '2026-11-21T00:00:00Z' });
  const scenario = () =>
    parseScenario(
      {
        now: '2026-11-22T09:00:00Z',
        config: { maxCandidateFraction: 0.5 },
        accounts: [
          // 3 of 3 idle: this account's own guard halts it.
          { accountId: '111111111111', users: [idle('a1'), idle('a2'), idle('a3')] },
          // 1 of 3 idle: fine alone; but the organization has 4 of 6 idle (67%).
          { accountId: '222222222222', users: [idle('b1'), active('b2'), active('b3')] },
        ],
      },
      'guard scenario',
    );

  it('halts one account on its own guard, and every account when the organization as a whole is over', async () => {
    const { report } = await runScenario(scenario());
    expect(report.sweep.accounts?.halted).toEqual([
      { accountId: '111111111111', haltReason: expect.stringContaining('3 of 3 users (100%)') },
    ]);
    expect(report.sweep.halted).toBe(true);
    expect(report.sweep.haltReason).toMatch(/^organization: 4 of 6 users \(66\.7%\)/);
    expect(report.cases).toEqual([]);
  });

  it('lets only the sound account through when the organization guard is acknowledged', async () => {
    const { report } = await runScenario(scenario(), {
      beforeSweep: (sim) =>
        sim.sweeps.acknowledgeGuard({
          acknowledgedBy: 'security-oncall',
          acknowledgedAt: '2026-11-22T08:00:00Z',
          maxCandidates: 4,
          expiresAt: '2026-11-23T08:00:00Z',
        }),
    });
    expect(report.sweep.halted).toBe(false);
    // The halted account stays halted: its own acknowledgement is its own.
    expect(report.cases.map((entry) => `${entry.accountId}/${entry.userName}`)).toEqual(['222222222222/b1']);
  });
});

describe('the weekly summary of an organization', () => {
  it('names the accounts that failed and those their own guard halted', () => {
    const text = summaryText(
      summaryOf(
        [],
        {
          sweepId: 's',
          finishedAt: '2026-11-22T09:00:00Z',
          usersScanned: 10,
          casesStarted: 1,
          backlog: 0,
          staleCredentials: 0,
          halted: false,
          candidateCount: 1,
          failedAccounts: ['333333333333'],
          haltedAccounts: ['111111111111', '444444444444'],
        },
        new Date('2026-11-15T00:00:00Z'),
      ),
    );
    expect(text).toContain('1 account could not be inventoried: 333333333333');
    expect(text).toContain('2 accounts halted by their own guard: 111111111111, 444444444444');
  });
});

describe('the organization hub stack', () => {
  const orgConfig = {
    ...VALID_CONFIG,
    deploymentMode: 'organization' as const,
    organizationId: 'o-a1b2c3d4e5',
    memberOrganizationalUnitIds: ['ou-ab12-cd34ef56'],
    excludeAccountIds: ['555555555555'],
    reportPrincipalArns: ['arn:aws:iam::999999999999:role/SecurityAudit'],
  };
  let synthesized: ReturnType<typeof synthStack>['template'];
  beforeAll(() => {
    synthesized = synthStack(orgConfig).template;
  });
  const template = () => synthesized;

  it('deploys the member roles by a service-managed StackSet, automatically to new accounts of the OUs', () => {
    template().hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: ['ou-ab12-cd34ef56'],
            Accounts: ['555555555555'],
            AccountFilterType: 'DIFFERENCE',
          },
        },
      ],
    });
  });

  it('trusts the hub roles only, with the external id and inside the organization, and keeps the protected-tag Deny', () => {
    type Statement = {
      Sid?: string;
      Effect: string;
      Action: string[];
      Resource: unknown;
      Condition?: unknown;
    };
    type Role = {
      Properties: {
        AssumeRolePolicyDocument: { Statement: unknown[] };
        Policies: { PolicyDocument: { Statement: Statement[] } }[];
      };
    };
    const member = memberRolesTemplate(parseConfig(orgConfig)) as { Resources: Record<string, Role> };
    const { ReaderRole, RemoverRole } = member.Resources;
    for (const [role, parameter] of [
      [ReaderRole!, 'ReaderTrustedRoleArns'],
      [RemoverRole!, 'RemoverTrustedRoleArns'],
    ] as const) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { Ref: parameter } },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'sts:ExternalId': 'iam-janitor', 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          },
        },
      ]);
    }
    const actions = (role: Role) =>
      role.Properties.Policies[0]!.PolicyDocument.Statement.filter(
        (statement) => statement.Effect === 'Allow',
      ).flatMap((statement) => statement.Action);
    expect(
      actions(ReaderRole!).filter((action) =>
        /^iam:(Delete|Update|Deactivate|Detach|Remove|Tag)/.test(action),
      ),
    ).toEqual([]);
    expect(actions(ReaderRole!)).toEqual(
      expect.arrayContaining([
        'iam:GenerateCredentialReport',
        'iam:ListAccountAliases',
        'cloudtrail:LookupEvents',
      ]),
    );
    expect(RemoverRole!.Properties.Policies[0]!.PolicyDocument.Statement).toContainEqual({
      Sid: 'DenyChangesToProtectedUsers',
      Effect: 'Deny',
      Action: expect.arrayContaining(['iam:DeleteUser', 'iam:DeleteLoginProfile', 'iam:TagUser']),
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*' }],
      Condition: { Null: { 'iam:ResourceTag/iam-janitor:protected': 'false' } },
    });
    // Who the hub passes in: the inventory, context and report roles read; only the remover removes.
    const stackSet = Object.values(template().findResources('AWS::CloudFormation::StackSet'))[0]!;
    const parameters = stackSet.Properties.Parameters as { ParameterKey: string; ParameterValue: unknown }[];
    const reader = JSON.stringify(parameters.find((p) => p.ParameterKey === 'ReaderTrustedRoleArns'));
    const remover = JSON.stringify(parameters.find((p) => p.ParameterKey === 'RemoverTrustedRoleArns'));
    expect(reader).toMatch(/InventoryFunctionServiceRole/);
    expect(reader).toMatch(/GatherContextFunctionServiceRole/);
    expect(reader).toContain('arn:aws:iam::999999999999:role/SecurityAudit');
    expect(reader).not.toMatch(/ActFunctionServiceRole/);
    expect(remover).toMatch(/ActFunctionServiceRole/);
    expect(remover).not.toMatch(/Inventory|GatherContext/);
  });

  it('gives the hub functions no IAM actions of their own: only the member role each needs, inside the organization', () => {
    const policies = template().findResources('AWS::IAM::Policy');
    const statements = Object.entries(policies).flatMap(([id, policy]) =>
      (
        policy.Properties.PolicyDocument.Statement as {
          Effect: string;
          Action: string | string[];
          Resource: unknown;
          Condition?: unknown;
        }[]
      ).map((statement) => ({ id, ...statement, Action: [statement.Action].flat() })),
    );
    expect(
      statements.filter((statement) => statement.Action.some((action) => action.startsWith('iam:'))),
    ).toEqual([]);
    const assumes = statements.filter(
      (statement) => statement.Effect === 'Allow' && statement.Action.includes('sts:AssumeRole'),
    );
    expect(
      assumes
        .map((statement) => [
          statement.id.replace(/FunctionServiceRole.*$/, '').replace(/^IamJanitor/, ''),
          JSON.stringify(statement.Resource).match(/member-(reader|remover)/)?.[1],
        ])
        .sort(),
    ).toEqual([
      ['Act', 'remover'],
      ['GatherContext', 'reader'],
      ['Inventory', 'reader'],
    ]);
    for (const statement of assumes)
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
  });

  it('denies every hub function a member role in an excluded account, whatever the code does', () => {
    const policies = template().findResources('AWS::IAM::Policy');
    const denies = Object.entries(policies).flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as { Sid?: string; Effect: string; Resource: unknown }[])
        .filter((statement) => statement.Effect === 'Deny' && statement.Sid === 'DenyExcludedAccounts')
        .map((statement) => [id.replace(/FunctionServiceRole.*$/, '').replace(/^IamJanitor/, ''), statement]),
    );
    expect(denies.map(([id]) => id).sort()).toEqual(['Act', 'GatherContext', 'Inventory']);
    for (const [, statement] of denies)
      expect(JSON.stringify((statement as { Resource: unknown }).Resource)).toContain(
        ':iam::555555555555:role/*',
      );
  });

  it('runs the sweep as a Distributed Map over the accounts, with the child-execution grants it needs', () => {
    const machines = template().findResources('AWS::StepFunctions::StateMachine');
    const sweep = Object.values(machines).find((machine) =>
      JSON.stringify(machine.Properties.DefinitionString).includes('InventoryAccounts'),
    )!;
    // The ASL is inlined as written; its `${…}` placeholders are filled by DefinitionSubstitutions.
    const definition = JSON.parse(sweep.Properties.DefinitionString as string);
    expect(sweep.Properties.DefinitionSubstitutions).toEqual(
      expect.objectContaining({
        ListAccountsFunctionArn: expect.anything(),
        InventoryFunctionArn: expect.anything(),
        OrganizationGuardFunctionArn: expect.anything(),
        CaseStateMachineArn: expect.anything(),
      }),
    );
    expect(definition.States.InventoryAccounts).toMatchObject({
      Type: 'Map',
      MaxConcurrencyPath: '$.listing.concurrency',
      ToleratedFailurePercentage: 100,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(definition.States.InventoryAccounts.ItemProcessor.States.InventoryAccount.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'AccountFailed' },
    ]);
    // Only the error name travels on: hundreds of causes with stack traces would pass 256 KB.
    expect(definition.States.InventoryAccounts.ItemProcessor.States.AccountFailed.Parameters).toEqual({
      'accountId.$': '$.account.accountId',
      failed: true,
      'error.$': '$.error.Error',
    });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'states:StartExecution' }),
          Match.objectLike({
            Action: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
          }),
        ]),
      },
    });
  });

  it('raises an alarm when an account cannot be inventoried', () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedAccounts',
      AlarmDescription: Match.stringLikeRegexp('other accounts went on'),
    });
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement given a reason', () => {
    const { app, stack } = synthStack(orgConfig, { nag: true });
    expect(() => app.synth()).not.toThrow();
    const acknowledged = stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules');
    for (const entry of acknowledged)
      for (const reason of Object.values(entry.data as Record<string, string>))
        expect(reason.length).toBeGreaterThan(40);
  });
});
