import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IamJanitorStack } from '../../lib/infra/iam-janitor-stack';
import { lambdasOf } from '../../lib/infra/janitor-function';

const LAMBDA_NAMES = lambdasOf('account');
import { synthStack, VALID_CONFIG } from '../helpers/stack';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Every action a function's role allows, read back from the synthesized template. */
function allowedActions(template: Template, lambdaName: string, effect = 'Allow'): string[] {
  const resources = template.toJSON().Resources as Resources;
  const fnId = Object.keys(resources).find(
    (id) =>
      resources[id]!.Type === 'AWS::Lambda::Function' &&
      id.startsWith(`IamJanitor${pascal(lambdaName)}Function`),
  );
  if (!fnId) throw new Error(`no function ${lambdaName}`);
  const roleId = (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const actions = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties.Roles as { Ref: string }[];
    if (!roles.some((role) => role.Ref === roleId)) continue;
    const statements = (
      resource.Properties.PolicyDocument as { Statement: { Effect: string; Action: string | string[] }[] }
    ).Statement;
    for (const statement of statements.filter((s) => s.Effect === effect)) {
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return [...actions].sort();
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
// GetSecretValue only: no function calls DescribeSecret.
const SECRET_READ = ['secretsmanager:GetSecretValue'];
/** The IAM calls of the one user reader (lambdas/commons/iam/snapshot.ts readUser), written out from its code. */
const USER_READS = [
  'iam:GetAccessKeyLastUsed',
  'iam:GetLoginProfile',
  'iam:GetUser',
  'iam:GetUserPolicy',
  'iam:ListAccessKeys',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
  'iam:ListMFADevices',
  'iam:ListSSHPublicKeys',
  'iam:ListServiceSpecificCredentials',
  'iam:ListSigningCertificates',
  'iam:ListUserPolicies',
];
/** Every IAM change the removal steps (lambdas/act/steps.ts, credential.ts) make. */
const REMOVER_CHANGES = [
  'iam:DeactivateMFADevice',
  'iam:DeleteAccessKey',
  'iam:DeleteLoginProfile',
  'iam:DeleteSSHPublicKey',
  'iam:DeleteServiceSpecificCredential',
  'iam:DeleteSigningCertificate',
  'iam:DeleteUser',
  'iam:DeleteUserPolicy',
  'iam:DeleteVirtualMFADevice',
  'iam:DetachUserPolicy',
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
  'iam:TagUser',
  'iam:UpdateAccessKey',
  'iam:UpdateSSHPublicKey',
  'iam:UpdateServiceSpecificCredential',
  'iam:UpdateSigningCertificate',
];
/**
 * The remover's changes that IAM authorizes against the user itself (the Service Authorization
 * Reference lists the `user` resource for each), so that a tag condition on the user applies: all
 * of REMOVER_CHANGES but RemoveUserFromGroup (the group), TagMFADevice and DeleteVirtualMFADevice
 * (the device).
 */
const NOT_AUTHORIZED_AGAINST_THE_USER = [
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
  'iam:DeleteVirtualMFADevice',
];
const DENIED_ON_PROTECTED = REMOVER_CHANGES.filter(
  (action) => !NOT_AUTHORIZED_AGAINST_THE_USER.includes(action),
);

describe('IamJanitorStack', () => {
  const { template } = synthStack();

  it('schedules the sweep with EventBridge Scheduler, in the configured time zone', () => {
    const target = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: { Arn: target },
    });
    expect(JSON.stringify(target.asObject())).toContain('SweepStateMachine');
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('posts the weekly summary from its own schedule, to the summary function', () => {
    const target = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: { Arn: target },
    });
    expect(JSON.stringify(target.asObject())).toContain('SummaryFunction');
  });

  it('builds two Standard state machines from the ASL files, with substitutions resolving to the right functions', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    const getAtt = (prefix: string) => ({
      'Fn::GetAtt': [Match.stringLikeRegexp(`^IamJanitor${prefix}Function`), 'Arn'],
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      DefinitionSubstitutions: {
        InventoryFunctionArn: getAtt('Inventory'),
        CaseStateMachineArn: { Ref: Match.stringLikeRegexp('^IamJanitorCaseStateMachine') },
      },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      DefinitionSubstitutions: {
        GatherContextFunctionArn: getAtt('GatherContext'),
        OpenTicketFunctionArn: getAtt('OpenTicket'),
        RequestApprovalFunctionArn: getAtt('RequestApproval'),
        ActFunctionArn: getAtt('Act'),
        RecordOutcomeFunctionArn: getAtt('RecordOutcome'),
      },
    });
  });

  it('leaves no ${...} placeholder without a substitution', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    for (const machine of Object.values(machines)) {
      const definition = JSON.stringify(machine.Properties.DefinitionString);
      expect(definition).toContain('StartAt');
      const placeholders = [...definition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
      expect(placeholders.length).toBeGreaterThan(0);
      for (const placeholder of placeholders) {
        expect(Object.keys(machine.Properties.DefinitionSubstitutions)).toContain(placeholder);
      }
    }
  });

  it('builds every Lambda on the newest Node.js runtime, arm64, with JSON logs and a retained log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', LAMBDA_NAMES.length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      MemorySize: Match.anyValue(),
      Timeout: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({
          JANITOR_CONFIG: Match.anyValue(),
          CASE_TABLE_NAME: Match.anyValue(),
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('runs the context function one at a time, so the CloudTrail lookup limiter sees every call', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('gathers CloudTrail'),
      ReservedConcurrentExecutions: 1,
    });
  });

  it('grants each function exactly the actions it calls', () => {
    expect(allowedActions(template, 'inventory')).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'iam:GenerateCredentialReport',
        'iam:GetAccountAuthorizationDetails',
        'iam:GetCredentialReport',
        'iam:GetUser',
        'iam:ListAccessKeys',
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'gather-context')).toEqual(
      [
        'cloudtrail:LookupEvents',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        ...USER_READS,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'act')).toEqual(
      [
        'cloudtrail:LookupEvents',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        ...USER_READS,
        'iam:ListMFADeviceTags',
        'iam:ListVirtualMFADevices',
        ...REMOVER_CHANGES,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'open-ticket')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...SECRET_READ, ...XRAY].sort(),
    );
    // SendTaskSuccess: a decision stored during an earlier attempt is delivered to this attempt's token.
    expect(allowedActions(template, 'request-approval')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'states:SendTaskSuccess', ...SECRET_READ, ...XRAY].sort(),
    );
    expect(allowedActions(template, 'slack-interactions')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'states:SendTaskSuccess', ...SECRET_READ, ...XRAY].sort(),
    );
    expect(allowedActions(template, 'record-outcome')).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        ...SECRET_READ,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'remind')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem', ...SECRET_READ, ...XRAY].sort(),
    );
    // The setup check reads both secrets and nothing else.
    expect(allowedActions(template, 'check-setup')).toEqual(
      ['secretsmanager:GetSecretValue', ...XRAY].sort(),
    );
    // The weekly summary only reads.
    expect(allowedActions(template, 'summary')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Scan', ...SECRET_READ, ...XRAY].sort(),
    );
  });

  it('gives IAM mutating actions to the remover only', () => {
    const mutating = /^iam:(Delete|Update|Deactivate|Detach|Remove|Tag|Untag|Create|Put|Attach|Add)/;
    for (const name of LAMBDA_NAMES.filter((n) => n !== 'act')) {
      expect(allowedActions(template, name).filter((action) => mutating.test(action))).toEqual([]);
    }
    expect(allowedActions(template, 'act').filter((action) => mutating.test(action))).toEqual(
      REMOVER_CHANGES,
    );
  });

  it('lets the remover tag only with the keys it writes, and only a user or an MFA device', () => {
    const statements = Object.values(template.toJSON().Resources as Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap(
        (resource) =>
          (resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
    const tagging = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        [statement.Action].flat().some((action) => /^iam:Tag/.test(String(action))),
    );
    expect(tagging.map((statement) => [statement.Action, statement.Condition])).toEqual([
      [
        'iam:TagUser',
        {
          'ForAllValues:StringLike': {
            'aws:TagKeys': ['iam-janitor:keep-until', 'iam-janitor:keep-until:*', 'iam-janitor:disabled-at'],
          },
          Null: { 'aws:TagKeys': 'false' },
        },
      ],
      [
        'iam:TagMFADevice',
        {
          'ForAllValues:StringLike': { 'aws:TagKeys': ['iam-janitor:deactivated-for'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      ],
    ]);
  });

  it('builds member role ARNs in the partition the stack is deployed in', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ JANITOR_PARTITION: { Ref: 'AWS::Partition' } }),
      },
    });
  });

  it('gives SendTaskSuccess to the interactions function and the request step only', () => {
    for (const name of LAMBDA_NAMES.filter((n) => n !== 'slack-interactions' && n !== 'request-approval')) {
      expect(allowedActions(template, name).filter((action) => action.startsWith('states:'))).toEqual([]);
    }
  });

  it('denies every user-mutating action on users that carry the protected tag', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyChangesToProtectedUsers',
            Effect: 'Deny',
            Action: Match.anyValue(),
            Resource: Match.anyValue(),
            Condition: { Null: { 'iam:ResourceTag/iam-janitor:protected': 'false' } },
          },
        ]),
      },
    });
    expect(allowedActions(template, 'act', 'Deny')).toEqual([...DENIED_ON_PROTECTED].sort());
  });

  it('follows a custom protected tag key in the Deny', () => {
    const { template: custom } = synthStack({ protectedTagKey: 'security:do-not-touch' });
    custom.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Null: { 'iam:ResourceTag/security:do-not-touch': 'false' } },
          }),
        ]),
      },
    });
  });

  it('exposes the interactions function through a Function URL with Slack signature auth (auth type NONE)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^IamJanitorSlackInteractionsFunction'), 'Arn'],
      },
    });
  });

  it('keeps the case table with point-in-time recovery and a sparse open-case index', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'openCasesByUser',
            KeySchema: [{ AttributeName: 'openUserName', KeyType: 'HASH' }],
          }),
        ],
      }),
    });
  });

  it('keeps the Jira token out of reach of the internet-facing interactions function', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const secretId = (prefix: string) =>
      Object.keys(template.findResources('AWS::SecretsManager::Secret')).find((id) =>
        id.startsWith(`IamJanitor${prefix}`),
      )!;
    const readable = (lambdaName: string) => {
      const resources = template.toJSON().Resources as Resources;
      const fnId = Object.keys(resources).find(
        (id) =>
          resources[id]!.Type === 'AWS::Lambda::Function' &&
          id.startsWith(`IamJanitor${pascal(lambdaName)}Function`),
      )!;
      const roleId = (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const policies = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::IAM::Policy' &&
          (resource.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
      );
      return [secretId('SlackCredentials'), secretId('JiraCredentials')].filter((id) =>
        JSON.stringify(policies).includes(`"Ref":"${id}"`),
      );
    };
    expect(readable('slack-interactions')).toEqual([secretId('SlackCredentials')]);
    expect(readable('request-approval')).toEqual([secretId('SlackCredentials')]);
    expect(readable('remind')).toEqual([secretId('SlackCredentials')]);
    expect(readable('open-ticket')).toEqual([secretId('JiraCredentials')]);
    expect(readable('record-outcome')).toEqual([secretId('SlackCredentials'), secretId('JiraCredentials')]);
    for (const name of ['inventory', 'gather-context', 'act']) expect(readable(name)).toEqual([]);
  });

  it('alarms on failed and timed-out executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(
        Object.keys(
          template.findResources('AWS::CloudWatch::Alarm', {
            Properties: { MetricName: metric, Namespace: 'AWS/States' },
          }),
        ),
      ).toHaveLength(2);
    }
  });

  it('outputs the interactions URL, both state machine ARNs, the table, the two secret names and the two roles doctor checks', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'CaseStateMachineArn',
        'CaseTableName',
        'ContextRoleArn',
        'InventoryRoleArn',
        'JiraSecretName',
        'SlackInteractionsUrl',
        'SlackSecretName',
        'SweepStateMachineArn',
      ].sort(),
    );
    template.hasOutput('SlackInteractionsUrl', {
      Value: {
        'Fn::GetAtt': [Match.stringLikeRegexp('SlackInteractionsFunctionFunctionUrl'), 'FunctionUrl'],
      },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding, and every acknowledgement gives a reason', () => {
    // GIVEN the AwsSolutions pack as a validation plugin WHEN the app synthesizes THEN nothing is left unacknowledged
    const { app, stack } = synthStack({ alarmEmail: 'security@example.com' }, { nag: true });
    expect(() => app.synth()).not.toThrow();
    const acknowledged = stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules');
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const entry of acknowledged) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        expect(id).toMatch(/^AwsSolutions::AwsSolutions-/);
        expect(reason.length).toBeGreaterThan(40);
      }
    }
  });

  it('fails synth when a finding is not acknowledged', () => {
    // GIVEN a deliberate wildcard no acknowledgement covers
    const { app, stack } = synthStack({}, { nag: true });
    stack.janitor.functions['open-ticket'].addToRolePolicy(
      new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow(/Acknowledge with 'AwsSolutions::AwsSolutions-IAM5\[Action::s3:\*\]'/);
  });
});

describe('bundling', () => {
  it('bundles every handler with local esbuild, no Docker', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-synth-'));
    const app = new App({ outdir });
    new IamJanitorStack(app, 'Bundled', { config: VALID_CONFIG });
    const assembly = app.synth();
    const assets = fs.readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    const bundles = assets.filter((asset) => fs.existsSync(path.join(assembly.directory, asset, 'index.js')));
    expect(bundles).toHaveLength(LAMBDA_NAMES.length);
    for (const bundle of bundles) {
      expect(fs.statSync(path.join(assembly.directory, bundle, 'index.js')).size).toBeGreaterThan(1000);
    }
  }, 120_000);
});
