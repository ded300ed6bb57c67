import { Capture, Match } from 'aws-cdk-lib/assertions';
import { lambdasOf } from '../../lib/infra/lambdas';
import { synthStack } from '../helpers/stack';

const LAMBDA_NAMES = lambdasOf('account');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

// GetSecretValue only: no function calls DescribeSecret.

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

  it('schedules exactly the sweep, the hourly reminders, the daily quarantine watch and the weekly summary', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      ({ Properties }) => [
        JSON.stringify(Properties.Target.Arn).match(/IamJanitor(\w+?)(Function|StateMachine)/)?.[1],
        Properties.ScheduleExpression,
        Properties.ScheduleExpressionTimezone,
      ],
    );
    // A rate is the same in every time zone: CDK writes UTC for it.
    expect(schedules.sort()).toEqual([
      ['Remind', 'rate(1 hour)', 'Etc/UTC'],
      ['Summary', 'cron(0 9 ? * MON *)', 'Europe/Paris'],
      ['Sweep', 'cron(0 8 ? * MON-FRI *)', 'Europe/Paris'],
      ['WatchQuarantine', 'rate(1 day)', 'Etc/UTC'],
    ]);
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

  it('exposes the interactions function through a Function URL with Slack signature auth (auth type NONE)', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
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
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({
            IndexName: 'openCasesByUser',
            KeySchema: [{ AttributeName: 'openUserName', KeyType: 'HASH' }],
          }),
        ]),
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
