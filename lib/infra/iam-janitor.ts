import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  parseConfig,
  type JanitorConfig,
  type JanitorConfigInput,
} from '../../lambdas/commons/config/config';
import {
  CASES_BY_USER_ATTRIBUTES,
  CASES_BY_USER_INDEX,
  OPEN_CASES_INDEX,
} from '../../lambdas/commons/case/indexes';
import { JIRA_SECRET_KEYS, SLACK_SECRET_KEYS } from '../../lambdas/commons/config/secret-keys';
import { createAlarmsAndDashboard } from './alarms';
import { grantLeastPrivilege } from './permissions';
import {
  aslText,
  organizationSweepName,
  substitutionsFor,
  tasksOf,
  WORKFLOW,
  type MachineKey,
  type TaskLambda,
} from './workflow';
import { JanitorFunction, type JanitorFunctions } from './janitor-function';
import {
  LAMBDAS,
  lambdasOf,
  memberRoleUsers,
  type LambdaName,
  type LambdaSpec,
  type MemberRoleAccess,
} from './lambdas';
import { scheduleFunctions, scheduleSweep } from './schedules';
import { MemberRoles } from './member-roles';

/**
 * Props are the config keys (ARCHITECTURE.md, Contracts), exactly as cdk.json holds them; every key is documented,
 * with its default and rule, in `lambdas/commons/config/config.ts`. They are validated before anything is
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
  /** The Function URL of each function declared with one (the Slack interactions). */
  public readonly functionUrls: Partial<Record<LambdaName, lambda.FunctionUrl>>;
  public readonly functions: JanitorFunctions;
  /** Organization mode: the StackSet of the member roles. */
  public readonly memberRoles?: MemberRoles;
  public readonly alarmTopic?: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: IamJanitorProps) {
    super(scope, id);
    const config = parseConfig(props, 'config (cdk.json context and -c flags)');
    this.config = config;
    const organization = config.deploymentMode === 'organization';

    this.caseTable = createCaseTable(this);
    // Two secrets, so that the internet-facing interactions function can never read the Jira token.
    this.slackSecret = createSecret(this, 'SlackCredentials', 'Slack', SLACK_SECRET_KEYS);
    this.jiraSecret = createSecret(this, 'JiraCredentials', 'Jira', JIRA_SECRET_KEYS);

    this.functions = this.createFunctions(config);
    grantLeastPrivilege(this, config);
    if (organization) {
      this.memberRoles = new MemberRoles(this, 'MemberRoles', {
        config,
        // Each function the declarations give a member role (lib/infra/lambdas.ts), and the report's readers.
        readerTrustedRoleArns: [...this.memberRoleArns('reader'), ...config.reportPrincipalArns],
        removerTrustedRoleArns: this.memberRoleArns('remover'),
      });
    }

    // The handler authenticates each request itself (a Slack signature), as its declaration says.
    this.functionUrls = Object.fromEntries(
      this.declared((spec) => Boolean(spec.functionUrl)).map((name) => [
        name,
        this.functions[name]!.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE }),
      ]),
    );

    const functionArn = (name: TaskLambda) => {
      const fn = this.functions[name];
      if (!fn) throw new Error(`The ${name} function is not built in ${config.deploymentMode} mode`);
      return fn.functionArn;
    };
    this.caseStateMachine = this.stateMachine('case', functionArn, new Map());
    this.grantDecisionDelivery();

    this.sweepStateMachine = this.stateMachine(
      organization ? 'organizationSweep' : 'sweep',
      functionArn,
      new Map([['case', this.caseStateMachine]]),
    );
    // The organization sweep's InventoryAccounts map runs its accounts as child executions.
    if (organization) distributedMapPolicy(this, this.sweepStateMachine, 'InventoryAccounts');

    scheduleSweep(this, this.sweepStateMachine, config);
    scheduleFunctions(
      this,
      this.declared((spec) => Boolean(spec.schedule)).map((name) => [LAMBDAS[name], this.functions[name]!]),
      config,
    );

    if (config.alarmEmail) this.alarmTopic = createAlarmTopic(this, config.alarmEmail);
    this.alarms.push(
      ...createAlarmsAndDashboard(
        this,
        { sweep: this.sweepStateMachine, case: this.caseStateMachine },
        this.alarmTopic,
        { organization },
      ),
    );
  }

  /** Every function of the deployment mode, as LAMBDAS declares it, on one environment. */
  private createFunctions(config: JanitorConfig): JanitorFunctions {
    const environment = {
      JANITOR_CONFIG: JSON.stringify(config),
      CASE_TABLE_NAME: this.caseTable.tableName,
      // ARNs are not secret; what each function may read is decided by its role's grants below.
      SLACK_SECRET_ARN: this.slackSecret.secretArn,
      JIRA_SECRET_ARN: this.jiraSecret.secretArn,
    };
    return Object.fromEntries(
      lambdasOf(config.deploymentMode).map((lambdaName) => {
        const spec = LAMBDAS[lambdaName];
        const fn = new JanitorFunction(this, pascal(lambdaName) + 'Function', {
          lambdaName,
          description: spec.description,
          timeout: spec.timeoutSeconds === undefined ? undefined : Duration.seconds(spec.timeoutSeconds),
          memorySize: spec.memorySize,
          environment,
          reservedConcurrentExecutions: spec.reservedConcurrency?.(config),
        });
        return [lambdaName, fn];
      }),
    ) as JanitorFunctions;
  }

  /** The functions of this deployment whose declaration says so, in the order declared. */
  private declared(test: (spec: LambdaSpec) => boolean): LambdaName[] {
    return lambdasOf(this.config.deploymentMode).filter((name) => test(LAMBDAS[name]));
  }

  /**
   * SendTaskSuccess on the case machine, for each function declared to answer its task tokens. A
   * function that serves one of the machine's Task states gets a policy of its own rather than its
   * role's default one: the function (which the machine names) depends on its default policy, and
   * that policy naming the machine would be a cycle.
   */
  private grantDecisionDelivery(): void {
    const served = new Set<string>(tasksOf('case').map(([, lambdaName]) => lambdaName));
    for (const name of this.declared((spec) => Boolean(spec.answersTaskTokens))) {
      const answer = new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: [this.caseStateMachine.stateMachineArn],
      });
      const fn = this.functions[name]!;
      if (served.has(name))
        new iam.Policy(this, `${pascal(name)}DeliversDecisions`, { roles: [fn.role!], statements: [answer] });
      else fn.addToRolePolicy(answer);
    }
  }

  /** The roles of the functions that assume a member role of this access. */
  private memberRoleArns(access: MemberRoleAccess): string[] {
    return memberRoleUsers(access).map((name) => this.functions[name]!.role!.roleArn);
  }

  /**
   * One machine of the workflow registry: its ASL, its substitutions, and the grants the ASL needs
   * (CDK cannot read ASL text): invoke on each Task's Lambda, start on each machine it starts.
   */
  private stateMachine(
    key: MachineKey,
    functionArn: (name: TaskLambda) => string,
    started: Map<MachineKey, sfn.StateMachine>,
  ): sfn.StateMachine {
    const name = WORKFLOW[key].title;
    const machine = new sfn.StateMachine(this, `${name}StateMachine`, {
      ...(key === 'organizationSweep' ? { stateMachineName: organizationSweepName(Stack.of(this)) } : {}),
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Inlined rather than uploaded as an asset, so the template shows exactly what will run.
      definitionBody: sfn.DefinitionBody.fromString(aslText(key)),
      definitionSubstitutions: substitutionsFor(
        key,
        functionArn,
        (other) => {
          const target = started.get(other);
          if (!target) throw new Error(`The ${name} machine starts ${other}, which is not built yet`);
          return target.stateMachineArn;
        },
        this.caseTable.tableName,
      ),
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
    for (const [, lambdaName] of tasksOf(key)) this.functions[lambdaName]!.grantInvoke(machine);
    for (const target of started.values()) target.grantStartExecution(machine);
    // The items it reads and writes through the DynamoDB integration, and no other key.
    for (const [action, keys] of Object.entries(WORKFLOW[key].caseTableItems))
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [action],
          resources: [this.caseTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } },
        }),
      );
    return machine;
  }
}

/**
 * What a Distributed Map needs, as CDK grants it to a machine built from its own constructs (it
 * cannot read an ASL text): start its child executions, watch and stop them, and redrive the map
 * run. A separate policy, so that the machine never depends on a statement that names it; the
 * machine has a fixed name, so that the statements name it without a reference.
 */
function distributedMapPolicy(scope: Construct, machine: sfn.StateMachine, label: string): void {
  const stack = Stack.of(scope);
  const machineName = organizationSweepName(stack);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const policy = new iam.Policy(scope, 'DistributedMapPolicy', {
    statements: [
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [arn('stateMachine', machineName)],
      }),
      // The map's child executions are named `<machine>/<label>:<id>`.
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
        resources: [arn('execution', `${machineName}/${label}:*`)],
      }),
    ],
  });
  machine.role.attachInlinePolicy(policy);
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

/** The case table: the cases, their open markers and snapshots, and what a sweep leaves. */
function createCaseTable(scope: Construct): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'CaseTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: true,
    // Only the candidates a sweep leaves for its case starts carry it: cases and snapshots never expire.
    timeToLiveAttribute: 'expiresAt',
    // The table holds the snapshots that make a removal reversible: it outlives the stack.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Sparse: only open-case markers carry openUserName, so a scan of the index is as cheap as the
  // number of open cases, whatever the table's history.
  table.addGlobalSecondaryIndex({
    indexName: OPEN_CASES_INDEX,
    partitionKey: { name: 'openUserName', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
  // Every case carries its user id: the inventory queries a marked user's cases, never the table.
  table.addGlobalSecondaryIndex({
    indexName: CASES_BY_USER_INDEX,
    partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: [...CASES_BY_USER_ATTRIBUTES],
  });
  return table;
}

/** A secret the operator fills with put-secret-value; it outlives the stack. */
function createSecret(
  scope: Construct,
  id: string,
  what: string,
  keys: readonly string[],
): secretsmanager.Secret {
  return new secretsmanager.Secret(scope, id, {
    description: `iam-janitor ${what} credentials: fill ${keys.join(', ')} with put-secret-value.`,
    secretObjectValue: {},
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The alarms' topic, with the operator's e-mail subscribed (confirmed from the mail AWS sends). */
function createAlarmTopic(scope: Construct, email: string): sns.Topic {
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'iam-janitor alarms', enforceSSL: true });
  topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}
