import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { parseConfig, type JanitorConfig, type JanitorConfigInput } from '../lambdas/commons/config';
import { METRIC_NAMESPACE, MetricName } from '../lambdas/commons/observability';
import {
  JIRA_SECRET_KEYS,
  OPEN_CASES_INDEX,
  OUTCOMES,
  SLACK_SECRET_KEYS,
} from '../lambdas/commons/contracts';
import {
  CONTEXT_IAM_ACTIONS,
  NON_USER_MUTATING_ACTIONS,
  REMOVER_READ_ACTIONS,
  USER_MUTATING_ACTIONS,
} from './iam-actions';
import { JanitorFunction, type LambdaName } from './janitor-function';

/**
 * Props are the config keys of DESIGN.md, exactly as cdk.json holds them; every key is documented,
 * with its default and rule, in `lambdas/commons/config.ts`. They are validated before anything is
 * built, so a bad value fails synth with the key's name and the rule it broke.
 */
export type IamJanitorProps = JanitorConfigInput;

/**
 * iam-janitor: a scheduled sweep that finds inactive IAM users and one case workflow per candidate
 * that asks an approver in Slack, tracks the case in Jira and removes the user only on a decision.
 */
export class IamJanitor extends Construct {
  public readonly config: JanitorConfig;
  public readonly caseTable: dynamodb.Table;
  /** `{slackBotToken, slackSigningSecret}`: read by the Slack-facing functions. */
  public readonly slackSecret: secretsmanager.Secret;
  /** `{jiraEmail, jiraApiToken}`: read by the jira and record functions only. */
  public readonly jiraSecret: secretsmanager.Secret;
  public readonly sweepStateMachine: sfn.StateMachine;
  public readonly caseStateMachine: sfn.StateMachine;
  public readonly interactionsUrl: lambda.FunctionUrl;
  public readonly functions: Record<LambdaName, JanitorFunction>;
  public readonly alarmTopic?: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: IamJanitorProps) {
    super(scope, id);
    const config = parseConfig(props, 'config (cdk.json context)');
    this.config = config;

    this.caseTable = new dynamodb.Table(this, 'CaseTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      // The table holds the snapshots that make a removal reversible: it outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Sparse: only open-case markers carry openUserName, so a scan of the index is as cheap as the
    // number of open cases, whatever the table's history.
    this.caseTable.addGlobalSecondaryIndex({
      indexName: OPEN_CASES_INDEX,
      partitionKey: { name: 'openUserName', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    // Two secrets, so that the internet-facing interactions function can never read the Jira token.
    this.slackSecret = new secretsmanager.Secret(this, 'SlackCredentials', {
      description: `iam-janitor Slack credentials: fill ${SLACK_SECRET_KEYS.join(', ')} with put-secret-value.`,
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.jiraSecret = new secretsmanager.Secret(this, 'JiraCredentials', {
      description: `iam-janitor Jira credentials: fill ${JIRA_SECRET_KEYS.join(', ')} with put-secret-value.`,
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const environment = {
      JANITOR_CONFIG: JSON.stringify(config),
      CASE_TABLE_NAME: this.caseTable.tableName,
      // ARNs are not secret; what each function may read is decided by its role's grants below.
      SLACK_SECRET_ARN: this.slackSecret.secretArn,
      JIRA_SECRET_ARN: this.jiraSecret.secretArn,
    };
    const make = (
      lambdaName: LambdaName,
      description: string,
      timeout = Duration.seconds(30),
      memorySize = 256,
      reservedConcurrentExecutions?: number,
    ) =>
      new JanitorFunction(this, pascal(lambdaName) + 'Function', {
        lambdaName,
        description,
        timeout,
        memorySize,
        environment,
        reservedConcurrentExecutions,
      });
    this.functions = {
      inventory: make(
        'inventory',
        'Reads the IAM credential report and gives every user a verdict',
        Duration.minutes(5),
        1024,
      ),
      // One at a time: CloudTrail allows 2 lookups/s per region for the whole account, and a single
      // container's limiter can only pace the calls it sees.
      context: make(
        'context',
        'Opens a case and gathers CloudTrail and IAM evidence',
        Duration.minutes(5),
        256,
        1,
      ),
      jira: make('jira', 'Opens the Jira ticket of a case'),
      'slack-request': make('slack-request', 'Asks the approvers in Slack and stores the task token'),
      'slack-interactions': make(
        'slack-interactions',
        'Verifies Slack button clicks and resumes the case',
        Duration.seconds(10),
      ),
      remove: make(
        'remove',
        'Re-checks, snapshots, then deletes, disables or keeps an IAM user',
        Duration.minutes(5),
      ),
      record: make('record', 'Records the outcome in Jira, Slack and the case table'),
      remind: make('remind', 'Posts reminders for cases still waiting for a decision', Duration.minutes(2)),
    };
    this.grantLeastPrivilege(config);

    this.interactionsUrl = this.functions['slack-interactions'].addFunctionUrl({
      // Slack cannot sign requests with SigV4; the handler verifies Slack's own HMAC signature instead.
      authType: lambda.FunctionUrlAuthType.NONE,
    });

    this.caseStateMachine = this.stateMachine('Case', 'case.asl.json', {
      ContextFunctionArn: this.functions.context.functionArn,
      JiraFunctionArn: this.functions.jira.functionArn,
      SlackRequestFunctionArn: this.functions['slack-request'].functionArn,
      RemoveFunctionArn: this.functions.remove.functionArn,
      RecordFunctionArn: this.functions.record.functionArn,
    });
    for (const name of ['context', 'jira', 'slack-request', 'remove', 'record'] as const) {
      this.functions[name].grantInvoke(this.caseStateMachine);
    }
    this.functions['slack-interactions'].addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: [this.caseStateMachine.stateMachineArn],
      }),
    );

    this.sweepStateMachine = this.stateMachine('Sweep', 'sweep.asl.json', {
      InventoryFunctionArn: this.functions.inventory.functionArn,
      CaseStateMachineArn: this.caseStateMachine.stateMachineArn,
    });
    this.functions.inventory.grantInvoke(this.sweepStateMachine);
    this.caseStateMachine.grantStartExecution(this.sweepStateMachine);

    new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'Starts the iam-janitor sweep',
      schedule: scheduler.ScheduleExpression.expression(
        config.schedule,
        TimeZone.of(config.scheduleTimezone),
      ),
      target: new schedulerTargets.StepFunctionsStartExecution(this.sweepStateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });
    new scheduler.Schedule(this, 'ReminderSchedule', {
      description: 'Reminds approvers of cases still waiting for a decision',
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(this.functions.remind, {}),
    });

    if (config.alarmEmail) {
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
        displayName: 'iam-janitor alarms',
        enforceSSL: true,
      });
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }
    this.createAlarmsAndDashboard();
  }

  private stateMachine(name: string, file: string, substitutions: Record<string, string>): sfn.StateMachine {
    return new sfn.StateMachine(this, `${name}StateMachine`, {
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Inlined rather than uploaded as an asset, so the template shows exactly what will run.
      definitionBody: sfn.DefinitionBody.fromString(
        fs.readFileSync(path.join(__dirname, '..', 'statemachine', file), 'utf8'),
      ),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, `${name}StateMachineLogs`, {
          retention: logs.RetentionDays.ONE_YEAR,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        level: sfn.LogLevel.ALL,
        // Execution data carries task tokens and user details; the history keeps it, the logs must not.
        includeExecutionData: false,
      },
    });
  }

  private grantLeastPrivilege(config: JanitorConfig): void {
    const { functions: fns, caseTable: table, slackSecret, jiraSecret } = this;
    const stack = Stack.of(this);
    const userArns = [stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' })];
    const statement = (actions: readonly string[], resources: string[]) =>
      new iam.PolicyStatement({ actions: [...actions], resources });

    // inventory: the credential report, tags of the few inactive users, and the open cases.
    fns.inventory.addToRolePolicy(
      statement(['iam:GenerateCredentialReport', 'iam:GetCredentialReport'], ['*']),
    );
    // GetUser rather than ListUserTags: one call returns both the tags and the stable user id; for
    // many idle users, GetAccountAuthorizationDetails returns 1,000 users' tags and ids per call.
    fns.inventory.addToRolePolicy(statement(['iam:GetUser'], userArns));
    fns.inventory.addToRolePolicy(statement(['iam:GetAccountAuthorizationDetails'], ['*']));
    fns.inventory.addToRolePolicy(
      statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]),
    );

    // context: opens the case (two conditional writes) and reads the evidence.
    fns.context.addToRolePolicy(statement(['cloudtrail:LookupEvents'], ['*']));
    fns.context.addToRolePolicy(statement(CONTEXT_IAM_ACTIONS, userArns));
    fns.context.addToRolePolicy(
      statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table.tableArn]),
    );

    for (const name of ['slack-request', 'slack-interactions', 'record', 'remind'] as const) {
      slackSecret.grantRead(fns[name]);
    }
    for (const name of ['jira', 'record'] as const) jiraSecret.grantRead(fns[name]);
    fns.jira.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));
    fns['slack-request'].addToRolePolicy(
      statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
    );
    fns['slack-interactions'].addToRolePolicy(
      statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
    );
    fns.record.addToRolePolicy(
      statement(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn]),
    );
    fns.remind.addToRolePolicy(statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]));
    fns.remind.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));

    // remove: the only role that may change IAM, and never a protected user.
    fns.remove.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));
    fns.remove.addToRolePolicy(statement(REMOVER_READ_ACTIONS, userArns));
    fns.remove.addToRolePolicy(statement(['iam:ListVirtualMFADevices'], ['*']));
    // The re-check of a user with SSH keys or service-specific credentials: only CloudTrail sees their use.
    fns.remove.addToRolePolicy(statement(['cloudtrail:LookupEvents'], ['*']));
    fns.remove.addToRolePolicy(statement(USER_MUTATING_ACTIONS, userArns));
    fns.remove.addToRolePolicy(
      statement(NON_USER_MUTATING_ACTIONS, [
        stack.formatArn({ service: 'iam', region: '', resource: 'group', resourceName: '*' }),
        stack.formatArn({ service: 'iam', region: '', resource: 'mfa', resourceName: '*' }),
      ]),
    );
    fns.remove.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DenyChangesToProtectedUsers',
        effect: iam.Effect.DENY,
        actions: [...USER_MUTATING_ACTIONS],
        resources: userArns,
        conditions: { Null: { [`iam:ResourceTag/${config.protectedTagKey}`]: 'false' } },
      }),
    );
  }

  private createAlarmsAndDashboard(): void {
    // Labels are for the dashboard only: a labelled metric makes an alarm a metric-math alarm.
    const metric = (
      metricName: string,
      label?: string,
      dimensionsMap: Record<string, string> = { service: 'iam-janitor' },
    ) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap,
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
        ...(label ? { label } : {}),
      });
    const alarm = (id: string, description: string, alarmMetric: cloudwatch.IMetric, threshold = 1) => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric: alarmMetric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (this.alarmTopic) created.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
      this.alarms.push(created);
      return created;
    };

    for (const [name, machine] of [
      ['Sweep', this.sweepStateMachine],
      ['Case', this.caseStateMachine],
    ] as const) {
      alarm(
        `${name}ExecutionsFailed`,
        `An iam-janitor ${name.toLowerCase()} execution failed: open its history in the Step Functions console.`,
        machine.metricFailed({ period: Duration.minutes(5) }),
      );
      alarm(
        `${name}ExecutionsTimedOut`,
        `An iam-janitor ${name.toLowerCase()} execution timed out.`,
        machine.metricTimedOut({ period: Duration.minutes(5) }),
      );
    }
    const guardHalts = metric(MetricName.GuardHalts, 'Guard halts');
    const failedOutcomes = metric(MetricName.FailedOutcomes, 'Failed cases');
    const rejected = metric(MetricName.RejectedSlackRequests, 'Rejected Slack requests');
    alarm(
      'GuardHalted',
      'The blast-radius guard halted a sweep: more candidates than maxCasesPerRun or maxCandidateFraction. Check the credential report before raising the limits.',
      metric(MetricName.GuardHalts),
    );
    alarm(
      'FailedOutcome',
      'A case ended failed. The user was not removed without a snapshot; see the runbook.',
      metric(MetricName.FailedOutcomes),
    );
    alarm(
      'RejectedSlackBurst',
      'Many Slack requests with a bad signature, team or approver in 5 minutes: someone may be forging clicks.',
      metric(MetricName.RejectedSlackRequests),
      20,
    );

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Sweep',
            left: [
              metric(MetricName.UsersScanned, 'Users scanned'),
              metric(MetricName.Candidates, 'Candidates'),
              guardHalts,
              metric(MetricName.RootWarnings, 'Root warnings'),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Decisions',
            left: ['delete', 'disable', 'keep'].map((decision) =>
              metric(MetricName.Decisions, decision, { service: 'iam-janitor', decision }),
            ),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Outcomes',
            left: OUTCOMES.map((outcome) =>
              metric(MetricName.Outcomes, outcome, { service: 'iam-janitor', outcome }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Problems',
            left: [failedOutcomes, metric(MetricName.RemovalFailures, 'Removal failures'), rejected],
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}
