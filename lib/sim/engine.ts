import type { Context } from 'aws-lambda';
import './promise-with-resolvers';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { StateMachine } from 'aws-local-stepfunctions';
import { CaseStore, type CaseRecord } from '../../lambdas/commons/case/case-store';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import {
  clientSettings,
  configureClients,
  documentClient,
  type ClientSettings,
} from '../../lambdas/commons/runtime/clients';
import { parseConfig, type JanitorConfig } from '../../lambdas/commons/config/config';
import { caseIdOf, type Candidate, type Decision } from '../../lambdas/commons/contracts';
import { clock, useClock } from '../../lambdas/commons/runtime/clock';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { handler as checkSetupHandler } from '../../lambdas/check-setup/handler';
import { handler as contextHandler, type OpenedCase } from '../../lambdas/gather-context/handler';
import { handler as inventoryHandler, type SweepOutput } from '../../lambdas/inventory/handler';
import { handler as listAccountsHandler } from '../../lambdas/list-accounts/handler';
import {
  handler as organizationGuardHandler,
  type OrganizationSweepOutput,
} from '../../lambdas/organization-guard/handler';
import { handler as jiraHandler } from '../../lambdas/open-ticket/handler';
import { handler as recordHandler } from '../../lambdas/record-outcome/handler';
import { handler as removeHandler } from '../../lambdas/act/handler';
import {
  handler as interactionsHandler,
  type FunctionUrlResult,
} from '../../lambdas/slack-interactions/handler';
import { signSlackRequest } from '../../lambdas/slack-interactions/signature';
import { handler as slackRequestHandler } from '../../lambdas/request-approval/handler';
import type { SimAccount } from './account';
import { AwsStandin, type AwsStandinOptions } from './standins/aws-standin';
import type { SimOrganization } from './standins/organization-standin';
import type { SimClock } from './clock';
import { CASE_TABLE, startDynamo } from './standins/dynamo';
import {
  CASE_MACHINE_ARN,
  executionArn,
  loadMachine,
  machineArn,
  named,
  REGION,
  runMachine,
} from './machines';
import { tasksOf, type MachineKey, type TaskLambda } from '../infra/workflow';
import { JiraStandin } from './standins/jira-standin';
import { SlackStandin } from './standins/slack-standin';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';

/**
 * Runs the real state machines offline: statemachine/*.asl.json through aws-local-stepfunctions,
 * every Task bound to the real handler, against stand-ins for IAM, CloudTrail, Step Functions
 * callbacks, Secrets Manager, Slack, Jira, and DynamoDB on dynalite. Only time is compressed:
 * the approval timeout and retry intervals.
 */

export const SIM_SECRETS = {
  slackBotToken: 'xoxb-sim-token',
  slackSigningSecret: 'simsigningsecret8f742231b10e8888abcd99',
  jiraEmail: 'janitor@example.com',
  jiraApiToken: 'sim-jira-token',
};
export const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-janitor-slack-sim';
export const JIRA_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-janitor-jira-sim';
/** Fixed, fake credentials: the simulation never reads the caller's, and needs none. */
const SIM_CREDENTIALS = { accessKeyId: 'AKIASIMULATION00000', secretAccessKey: 'simulated-secret' };

export interface SimulationOptions {
  readonly account: SimAccount;
  /** Config as cdk.json holds it; the Jira URL is pointed at the stand-in. */
  readonly config: Record<string, unknown>;
  readonly standin?: AwsStandinOptions;
  /** Organization mode: the member accounts behind the hub (`account` is then the hub's own). */
  readonly organization?: SimOrganization;
  readonly jiraFailures?: number;
  readonly slackFailures?: number;
  /**
   * The approval wait the engine's own timer enforces, in real seconds, instead of the config's
   * hours. Without it the wait is the config's (days): only `expire` ends a wait, when the driver
   * knows no decision is coming, at the deadline in scenario time, whatever the machine's speed.
   */
  readonly approvalTimeoutSeconds?: number;
  /**
   * Runs the case executions one after another once the sweep ends, in the order of its batch, so
   * that ticket keys and message ids are the same on every run.
   */
  readonly sequentialCases?: boolean;
  /** The secrets' text as stored, in place of the filled ones (`{}` is a secret never filled). */
  readonly secretValues?: { readonly slack?: string; readonly jira?: string };
  /** Delays every Lambda handler by this much real time: the proof that nothing depends on speed. */
  readonly slowHandlersMs?: number;
  /** With sequentialCases: called as each case of a sweep ends, for a progress line. */
  readonly onCaseEnded?: (done: number, total: number) => void;
  /** Called once the approval request is posted; the driver decides (or not). */
  readonly onApprovalRequested?: (caseId: string) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Sees every sweep Task's input and output (the benchmark weighs the payloads with it). */
  readonly onSweepTask?: (state: string, input: unknown, output: unknown) => void;
  /** The scenario's clock, read by every handler while the simulation runs. @default the system clock */
  readonly clock?: SimClock;
}

export interface CaseRun {
  readonly caseId: string;
  readonly userName: string;
  readonly output: Record<string, unknown> | null;
  readonly error?: string;
  /** State transitions as Step Functions bills them: states entered, plus retries. */
  readonly transitions: number;
  readonly historyEvents: number;
  readonly states: string[];
}

export interface SweepRun {
  readonly output: SweepOutput | OrganizationSweepOutput;
  readonly cases: CaseRun[];
  readonly transitions: number;
}

type TaskHandler = (input: unknown) => Promise<unknown>;
type LambdaHandler = (input: unknown, context: Context) => Promise<unknown>;

let invocations = 0;
/**
 * A Lambda context as the runtime passes one, so that the handlers log their request id as they do
 * in AWS; the ids count up from the process's first invocation.
 */
export function lambdaContext(functionName: string): Context {
  const requestId = `00000000-0000-4000-8000-${String(++invocations).padStart(12, '0')}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `iam-janitor-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:iam-janitor-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/iam-janitor-${functionName}`,
    logStreamName: 'simulated',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A handler invoked as Lambda invokes it, with a context of its own each time. */
const invokedAs =
  (functionName: string, handler: LambdaHandler): TaskHandler =>
  (input) =>
    handler(input, lambdaContext(functionName));

/** The real handler of each Lambda a Task state names in the workflow registry. */
const LAMBDA_HANDLERS: Record<TaskLambda, LambdaHandler> = {
  'check-setup': checkSetupHandler,
  inventory: inventoryHandler,
  'list-accounts': listAccountsHandler,
  'organization-guard': organizationGuardHandler,
  'gather-context': contextHandler,
  'open-ticket': jiraHandler,
  'request-approval': slackRequestHandler,
  act: removeHandler,
  'record-outcome': recordHandler,
};

/** Every Task state of the machine bound to its Lambda's handler, or to the simulator's own stand-in for it. */
function bindTasks(
  machine: MachineKey,
  overrides: Record<string, TaskHandler>,
  slowMs = 0,
): Record<string, TaskHandler> {
  return {
    ...Object.fromEntries(
      tasksOf(machine).map(([state, lambdaName]) => [
        state,
        slowed(invokedAs(lambdaName, LAMBDA_HANDLERS[lambdaName]), slowMs),
      ]),
    ),
    ...overrides,
  };
}

/** A handler that takes `slowMs` longer, as on a loaded machine or a cold Lambda. */
function slowed<T extends (input: never) => Promise<unknown>>(handler: T, slowMs: number): T {
  if (slowMs <= 0) return handler;
  return (async (input: never) => {
    await sleep(slowMs);
    return handler(input);
  }) as T;
}

export { CASE_MACHINE_ARN, openCaseFor } from './machines';

export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
}

export class Simulation {
  readonly aws: AwsStandin;
  readonly slack = new SlackStandin(SIM_SECRETS.slackBotToken);
  readonly jira = new JiraStandin(SIM_SECRETS.jiraEmail, SIM_SECRETS.jiraApiToken);
  config!: JanitorConfig;
  private dynamo?: Awaited<ReturnType<typeof startDynamo>>;
  /** DynamoDB as Step Functions' integration calls it (typed JSON), for the LoadCandidate state. */
  private rawDynamo?: DynamoDBClient;
  private readonly waiting = new Map<
    string,
    { caseId: string; resolve: (output: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly startedNames = new Set<string>();
  private readonly pendingCases: Promise<CaseRun>[] = [];
  private readonly caseMachine: StateMachine;
  private sweepMachine?: StateMachine;
  private tokenCounter = 0;
  private settingsBefore: ClientSettings = {};

  constructor(private readonly options: SimulationOptions) {
    this.aws = new AwsStandin(options.account, {
      ...options.standin,
      ...(options.organization ? { organization: options.organization } : {}),
      secrets: {
        [SLACK_SECRET_ARN]:
          options.secretValues?.slack ??
          JSON.stringify({
            slackBotToken: SIM_SECRETS.slackBotToken,
            slackSigningSecret: SIM_SECRETS.slackSigningSecret,
          }),
        [JIRA_SECRET_ARN]:
          options.secretValues?.jira ??
          JSON.stringify({
            jiraEmail: SIM_SECRETS.jiraEmail,
            jiraApiToken: SIM_SECRETS.jiraApiToken,
          }),
      },
      onTaskCallback: (call) => this.taskCallback(call),
    });
    this.caseMachine = loadMachine('case');
  }

  /** The sweep the config's deploymentMode deploys: one account's, or the organization's. */
  private get sweepKey(): 'sweep' | 'organizationSweep' {
    return this.config.deploymentMode === 'organization' ? 'organizationSweep' : 'sweep';
  }

  async start(): Promise<void> {
    Simulation.running.add(this);
    await this.aws.start();
    await this.slack.start();
    await this.jira.start();
    this.jira.failuresLeft = this.options.jiraFailures ?? 0;
    this.slack.failuresLeft = this.options.slackFailures ?? 0;
    this.dynamo = await startDynamo();
    // The site's address in every link, as in the config; the client talks to the stand-in.
    this.config = parseConfig(
      { jiraBaseUrl: 'https://jira.example.com', ...this.options.config },
      'scenario config',
    );
    Object.assign(process.env, {
      AWS_REGION: REGION,
      JANITOR_CONFIG: JSON.stringify(this.config),
      CASE_TABLE_NAME: CASE_TABLE,
      SLACK_SECRET_ARN,
      JIRA_SECRET_ARN,
      SLACK_API_URL: `${this.slack.url}/api/`,
      JIRA_API_URL: this.jira.url,
      SLACK_RETRIES: '0',
      IAM_JANITOR_RETRY_BASE_MS: process.env.IAM_JANITOR_RETRY_BASE_MS ?? '5',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    });
    resetConfigCache();
    useClock(this.options.clock);
    this.settingsBefore = clientSettings();
    // Endpoints and credentials go to each client explicitly, never through AWS_ENDPOINT_URL_*:
    // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would turn those off and send the run to real AWS.
    configureClients({
      endpoints: {
        iam: this.aws.url,
        cloudtrail: this.aws.url,
        sfn: this.aws.url,
        secretsmanager: this.aws.url,
        sts: this.aws.url,
        organizations: this.aws.url,
        dynamodb: this.dynamo.url,
      },
      credentials: SIM_CREDENTIALS,
      region: REGION,
    });
  }

  /** Every simulation started and not yet stopped, so that a test's cleanup can stop what it left. */
  static readonly running = new Set<Simulation>();

  async stop(): Promise<void> {
    if (!Simulation.running.delete(this)) return;
    await Promise.allSettled(this.pendingCases);
    this.rawDynamo?.destroy();
    await Promise.all([this.aws.stop(), this.slack.stop(), this.jira.stop(), this.dynamo?.stop()]);
    configureClients(this.settingsBefore);
    useClock(undefined);
    // The next Jira client of this process (a test's own stand-in) talks to its configured site.
    delete process.env.JIRA_API_URL;
  }

  get store(): CaseStore {
    return new CaseStore(documentClient(), CASE_TABLE);
  }

  get sweeps(): SweepStore {
    return new SweepStore(documentClient(), CASE_TABLE);
  }

  /** Runs the sweep, then waits for every case it started; `startCases: false` only counts the starts. */
  async runSweep(startedAt = clock.now(), options: { startCases?: boolean } = {}): Promise<SweepRun> {
    const sweepId = `sweep-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
    this.sweepMachine ??= loadMachine(this.sweepKey);
    // aws-local-stepfunctions sets $$.Execution.StartTime from the host's clock; in AWS it is the
    // clock at the start of the execution, which here is the scenario's.
    const onScenarioClock =
      (handler: TaskHandler): TaskHandler =>
      (input) =>
        slowed(
          handler,
          this.options.slowHandlersMs ?? 0,
        )({ ...(input as object), startedAt: startedAt.toISOString() } as never);
    const spied = (tasks: Record<string, TaskHandler>) =>
      Object.fromEntries(
        Object.entries(tasks).map(([state, handler]) => [
          state,
          async (input: unknown) => {
            const result = await handler(input);
            this.options.onSweepTask?.(state, input, result);
            return result;
          },
        ]),
      );
    const deferred: { candidate: Candidate; caseId: string }[] = [];
    const { output, transitions, error } = await runMachine(
      this.sweepMachine,
      {},
      {
        Execution: {
          Id: executionArn(machineArn(this.sweepKey), sweepId),
          Name: sweepId,
          StartTime: startedAt.toISOString(),
        },
      },
      spied(
        bindTasks(
          this.sweepKey,
          {
            Inventory: onScenarioClock(inventoryHandler),
            InventoryAccount: onScenarioClock(inventoryHandler),
            OrganizationGuard: onScenarioClock(organizationGuardHandler),
            // The DynamoDB integration (arn:aws:states:::dynamodb:getItem): GetItem as Step Functions
            // calls it, answering in DynamoDB's typed JSON.
            LoadCandidate: async (input) => {
              this.rawDynamo ??= new DynamoDBClient({
                endpoint: this.dynamo!.url,
                region: REGION,
                credentials: SIM_CREDENTIALS,
              });
              const item = await this.rawDynamo.send(new GetItemCommand(input as never));
              if (!item.Item)
                throw named('States.Runtime', 'The candidate of this case is not in the case table');
              return { Item: item.Item };
            },
            StartCase: async (input) => {
              const { Name, Input } = input as { Name: string; Input: { candidate: Candidate } };
              if (this.startedNames.has(Name))
                throw named(
                  'StepFunctions.ExecutionAlreadyExistsException',
                  `Execution ${Name} already exists`,
                );
              this.startedNames.add(Name);
              if (options.startCases !== false) {
                if (this.options.sequentialCases) deferred.push({ candidate: Input.candidate, caseId: Name });
                else this.pendingCases.push(this.runCase(Input.candidate, Name));
              }
              return {
                ExecutionArn: executionArn(CASE_MACHINE_ARN, Name),
                StartDate: clock.now().toISOString(),
              };
            },
          },
          this.options.slowHandlersMs,
        ),
      ),
    );
    const cases = await Promise.all(this.pendingCases.splice(0));
    // A sweep that failed (a Fail state, a payload over 256 KB) has no output to report on.
    if (error) throw new SweepFailedError(`The sweep execution failed: ${error}`);
    const result = output as unknown as SweepRun['output'];
    // Sequential cases run in the order of the sweep's batch, not in the order the Map's
    // iterations happened to reach StartCase, which depends on timing.
    const order = result.candidates.map((ref) => caseIdOf(ref, result.runDate));
    deferred.sort((a, b) => order.indexOf(a.caseId) - order.indexOf(b.caseId));
    for (const [index, { candidate, caseId }] of deferred.entries()) {
      cases.push(await this.runCase(candidate, caseId));
      this.options.onCaseEnded?.(index + 1, deferred.length);
    }
    return { output: result, cases, transitions };
  }

  /** Runs one case execution to its end, on its own lane of the scenario's clock. */
  runCase(candidate: Candidate, caseId: string): Promise<CaseRun> {
    return this.options.clock
      ? this.options.clock.inLane(() => this.executeCase(candidate, caseId))
      : this.executeCase(candidate, caseId);
  }

  private async executeCase(candidate: Candidate, caseId: string): Promise<CaseRun> {
    this.startedNames.add(caseId);
    const token = `sim-task-token-${++this.tokenCounter}-${'x'.repeat(64)}`;
    const timeoutSeconds = this.options.approvalTimeoutSeconds;
    const slowMs = this.options.slowHandlersMs ?? 0;
    const caseExecutionArn = executionArn(CASE_MACHINE_ARN, caseId);
    const tokens: string[] = [];
    const run = await runMachine(
      this.caseMachine,
      { candidate },
      {
        Execution: { Id: caseExecutionArn, Name: caseId, StartTime: clock.now().toISOString() },
        Task: { Token: token },
      },
      bindTasks(
        'case',
        {
          // The wait the engine's timer enforces: the config's, or the backstop the options set.
          GatherContext: async (input) => {
            const opened = (await slowed(
              invokedAs('gather-context', contextHandler),
              slowMs,
            )(input)) as OpenedCase;
            return timeoutSeconds === undefined
              ? opened
              : { ...opened, approvalTimeoutSeconds: timeoutSeconds };
          },
          // waitForTaskToken: the handler posts the request; the decision arrives through the task callback.
          RequestApproval: async (input) => {
            const payload = (input as { Payload: { caseId: string; taskToken: string } }).Payload;
            // Step Functions gives every attempt of the state a token of its own, valid from the start
            // of the attempt; a failed attempt's token dies with it (SendTaskSuccess: TaskTimedOut).
            const taskToken = `${payload.taskToken}-attempt-${++this.tokenCounter}`;
            tokens.push(taskToken);
            const decided = new Promise<unknown>((resolve, reject) =>
              this.waiting.set(taskToken, { caseId: payload.caseId, resolve, reject }),
            );
            try {
              await slowed(
                invokedAs('request-approval', slackRequestHandler),
                slowMs,
              )({ ...payload, taskToken });
            } catch (error) {
              this.waiting.delete(taskToken);
              throw error;
            }
            // The token dies with the engine's timeout, as in Step Functions: a later SendTaskSuccess gets TaskTimedOut.
            if (timeoutSeconds !== undefined)
              setTimeout(() => this.waiting.delete(taskToken), timeoutSeconds * 1000).unref();
            void this.options
              .onApprovalRequested?.(payload.caseId)
              .catch((error) => this.options.log?.(`decision driver failed: ${String(error)}`));
            return decided;
          },
        },
        slowMs,
      ),
    );
    for (const attempt of tokens) this.waiting.delete(attempt);
    return {
      caseId,
      userName: candidate.userName,
      ...run,
      output: run.output as Record<string, unknown> | null,
    };
  }

  /** Sends a real, signed Slack block_actions request through the real interactions handler. */
  async click(
    caseId: string,
    decision: Decision | string,
    userId: string,
    overrides: {
      teamId?: string;
      signingSecret?: string;
      timestamp?: number;
      /** Sends the payload of an organization-wide install: no team, the org in `enterprise`. */
      enterpriseId?: string;
      /** What the approver typed in the message's reason field before clicking. */
      reason?: string;
    } = {},
  ): Promise<FunctionUrlResult> {
    const origin = overrides.enterpriseId
      ? {
          team: null,
          enterprise: { id: overrides.enterpriseId, name: 'Simulated Org' },
          is_enterprise_install: true,
        }
      : { team: { id: overrides.teamId ?? this.config.slackTeamId } };
    const payload = {
      type: 'block_actions',
      api_app_id: this.config.slackAppId ?? 'A0SIMULATED',
      ...origin,
      user: { id: userId, ...(overrides.enterpriseId ? { team_id: overrides.enterpriseId } : {}) },
      channel: { id: this.config.slackChannelId },
      actions: [{ action_id: decision, value: caseId, type: 'button' }],
      // As Slack sends it: the state of every input block of the message, typed into or not.
      state: {
        values: { reason: { reason: { type: 'plain_text_input', value: overrides.reason ?? null } } },
      },
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const signed = signSlackRequest(
      body,
      overrides.signingSecret ?? SIM_SECRETS.slackSigningSecret,
      overrides.timestamp ?? Math.floor(clock.now().getTime() / 1000),
    );
    return slowed(
      (request: unknown) => interactionsHandler(request, lambdaContext('slack-interactions')),
      this.options.slowHandlersMs ?? 0,
    )({
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': signed.timestamp,
        'x-slack-signature': signed.signature,
      },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
  }

  async caseRecord(caseId: string): Promise<CaseRecord | undefined> {
    return this.store.get(caseId);
  }

  /**
   * Ends a case's approval wait with no decision, at its deadline in scenario time: the driver
   * calls it once it knows no decision is coming (none in the scenario, or a click that was
   * refused). The wait fails with States.Timeout, which the ASL's own catch turns into Expired, as
   * the timer would in Step Functions; the token dies with it. False when the case is not waiting.
   */
  async expire(caseId: string): Promise<boolean> {
    const entry = [...this.waiting.entries()].find(([, waiter]) => waiter.caseId === caseId);
    if (!entry) return false;
    const [token, waiter] = entry;
    this.waiting.delete(token);
    const record = await this.caseRecord(caseId);
    if (record && this.options.clock) {
      const deadline = new Date(record.openedAt).getTime() + this.config.approvalTimeoutHours * HOUR_MS;
      try {
        this.options.clock.advanceTo(new Date(deadline));
      } catch {
        // Outside the case's lane (a test's own call): the case's time is not this caller's to move.
      }
    }
    waiter.reject(named('States.Timeout', 'The approval wait timed out with no decision'));
    return true;
  }

  private taskCallback(call: { action: string; taskToken: string; output?: string }) {
    const waiter = this.waiting.get(call.taskToken);
    if (!waiter) return { code: 'TaskTimedOut', message: 'Task Timed Out: the approval already expired' };
    this.waiting.delete(call.taskToken);
    waiter.resolve(call.output ? JSON.parse(call.output) : {});
    return undefined;
  }
}
