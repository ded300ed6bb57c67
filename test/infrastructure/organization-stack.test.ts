import { Match } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lambdas/commons/config/config';
import { memberRolesTemplate } from '../../lib/infra/member-roles';
import { synthStack, VALID_CONFIG } from '../helpers/stack';

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
    // The remover attaches AWS's deny-all policy and no other, in the member account's partition.
    expect(RemoverRole!.Properties.Policies[0]!.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['iam:AttachUserPolicy'],
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*' }],
      Condition: {
        ArnEquals: { 'iam:PolicyARN': [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSDenyAll' }] },
      },
    });
    // Who the hub passes in: the inventory, context, watcher and report roles read; only the remover removes.
    const stackSet = Object.values(template().findResources('AWS::CloudFormation::StackSet'))[0]!;
    const parameters = stackSet.Properties.Parameters as { ParameterKey: string; ParameterValue: unknown }[];
    const reader = JSON.stringify(parameters.find((p) => p.ParameterKey === 'ReaderTrustedRoleArns'));
    const remover = JSON.stringify(parameters.find((p) => p.ParameterKey === 'RemoverTrustedRoleArns'));
    expect(reader).toMatch(/InventoryFunctionServiceRole/);
    expect(reader).toMatch(/GatherContextFunctionServiceRole/);
    expect(reader).toMatch(/WatchQuarantineFunctionServiceRole/);
    expect(reader).toContain('arn:aws:iam::999999999999:role/SecurityAudit');
    expect(reader).not.toMatch(/ActFunctionServiceRole/);
    expect(remover).toMatch(/ActFunctionServiceRole/);
    expect(remover).not.toMatch(/Inventory|GatherContext|WatchQuarantine/);
  });

  it('lets the quarantine watcher make, through the reader role, every call it makes in account mode', () => {
    // Written out from lambdas/watch-quarantine: the user, its keys' last use, a renamed user found
    // by its id among all users, its SSH keys and service-specific credentials, the member account's
    // enabled regions (read in every one for such a user), and CloudTrail.
    const watcherCalls = [
      'iam:GetUser',
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:ListUsers',
      'iam:ListSSHPublicKeys',
      'iam:ListServiceSpecificCredentials',
      'account:ListRegions',
      'cloudtrail:LookupEvents',
    ];
    type Statement = { Effect: string; Action: string[] };
    const member = memberRolesTemplate(parseConfig(orgConfig)) as {
      Resources: Record<
        string,
        { Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } }
      >;
    };
    const readerActions =
      member.Resources.ReaderRole!.Properties.Policies[0]!.PolicyDocument.Statement.filter(
        (statement) => statement.Effect === 'Allow',
      ).flatMap((statement) => statement.Action);
    expect(readerActions).toEqual(expect.arrayContaining(watcherCalls));
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
      ['WatchQuarantine', 'reader'],
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
    expect(denies.map(([id]) => id).sort()).toEqual(['Act', 'GatherContext', 'Inventory', 'WatchQuarantine']);
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
    // A failure goes to the case table as the error's name alone: a cause carries a stack trace.
    expect(definition.States.InventoryAccounts.ItemProcessor.States.AccountFailed).toMatchObject({
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: {
        Item: {
          accountId: { 'S.$': '$.account.accountId' },
          failed: { BOOL: true },
          error: { 'S.$': '$.error.Error' },
          // As long as every item of the sweep: DynamoDB's TTL removes it with the others.
          expiresAt: { 'N.$': "States.Format('{}', $.expiresAt)" },
        },
        // A result the inventory recorded before it failed is kept.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    // The map's items are one page of the listing; its result is dropped (each one is in the table).
    expect(definition.States.InventoryAccounts).toMatchObject({
      ItemsPath: '$.loaded.accounts',
      ResultPath: null,
    });
    const leading = (keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
    // The machine's own DynamoDB calls reach only the items it reads and writes.
    const machineStatements = Object.values(template().findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Condition?: unknown }[]).filter(
        (statement) => JSON.stringify(statement.Condition ?? {}).includes('dynamodb:LeadingKeys'),
      ),
    );
    expect(machineStatements.map(({ Action, Condition }) => ({ Action, Condition }))).toEqual(
      expect.arrayContaining([
        {
          Action: 'dynamodb:GetItem',
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['candidate#*', 'accounts#*'] } },
        },
        {
          Action: 'dynamodb:PutItem',
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sweep#*#result#*'] } },
        },
        // list-accounts: the lease and the listing's pages, no other item.
        { Action: 'dynamodb:GetItem', Condition: leading(['sweep#organization#running']) },
        { Action: 'dynamodb:PutItem', Condition: leading(['sweep#organization#running', 'accounts#*']) },
        // organization-guard: reads what the sweep wrote, writes its decision and the batch, deletes
        // what it used up; never writes the lease or touches a case.
        {
          Action: 'dynamodb:GetItem',
          Condition: leading([
            'accounts#*',
            'sweep#*#account#*',
            'sweep#*#guard',
            'sweep#organization#running',
            'guard#acknowledgement',
          ]),
        },
        { Action: 'dynamodb:BatchGetItem', Condition: leading(['sweep#*#result#*']) },
        { Action: 'dynamodb:PutItem', Condition: leading(['sweep#*#guard', 'sweep#latest', 'candidate#*']) },
        { Action: 'dynamodb:DeleteItem', Condition: leading(['sweep#*#account#*', 'guard#acknowledgement']) },
      ]),
    );
    // Nothing deletes the lease: a sweep that ended holds nothing, whatever way it ended.
    const leaseStatements = machineStatements.filter((statement) =>
      JSON.stringify(statement.Condition).includes('"sweep#organization#running"'),
    );
    expect(leaseStatements.map(({ Action }) => Action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    // Whether the lease's sweep still runs: DescribeExecution on this machine's executions alone.
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'states:DescribeExecution',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([Match.stringLikeRegexp(':execution:[\\w-]+-OrganizationSweep:\\*$')]),
              ],
            },
          },
        ]),
      },
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
