import './promise-with-resolvers';
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
import type { OpenedCase } from '../../lambdas/gather-context/handler';
import { handler as inventoryHandler } from '../../lambdas/inventory/handler';
import { handler as organizationGuardHandler } from '../../lambdas/organization-guard/handler';
import {
  handler as interactionsHandler,
  type FunctionUrlResult,
} from '../../lambdas/slack-interactions/handler';
import { signedClick, type ClickOverrides } from './slack-click';
import { AwsStandin } from './standins/aws-standin';
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
import { bindTasks, invoked, lambdaContext, slowed, spiedOn, type TaskHandler } from './handlers';
import { JiraStandin } from './standins/jira-standin';
import { SlackStandin } from './standins/slack-standin';
import { DAY_MS, HOUR_MS } from '../../lambdas/commons/runtime/time';
import { handler as watchHandler } from '../../lambdas/watch-quarantine/handler';

/**
 * Runs the real state machines offline: statemachine/*.asl.json through aws-local-stepfunctions,
 * every Task bound to the real handler, against stand-ins for IAM, CloudTrail, Step Functions
 * callbacks, Secrets Manager, Slack, Jira, and DynamoDB on dynalite. Only time is compressed:
 * the approval timeout and retry intervals.
 */

import {
  SIM_CREDENTIALS,
  SIM_SECRETS,
  type CaseRun,
  type SimulationOptions,
  type SweepRun,
} from './engine-options';
import { clientsAt, handlerEnvironment, storedSecrets } from './wiring';

export * from './engine-options';
export { CASE_MACHINE_ARN, openCaseFor } from './machines';
export { lambdaContext } from './handlers';

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
      secrets: storedSecrets(options.secretValues),
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
    Object.assign(
      process.env,
      handlerEnvironment(this.config, { slack: this.slack.url, jira: this.jira.url }),
    );
    resetConfigCache();
    useClock(this.options.clock);
    this.settingsBefore = clientSettings();
    configureClients(clientsAt(this.aws.url, this.dynamo.url));
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
      spiedOn(
        bindTasks(
          this.sweepKey,
          {
            Inventory: onScenarioClock(inventoryHandler),
            InventoryAccount: onScenarioClock(inventoryHandler),
            OrganizationGuard: onScenarioClock(organizationGuardHandler),
            LoadCandidate: (input) => this.loadCandidate(input),
            StartCase: (input) => this.startCase(input, options.startCases !== false, deferred),
          },
          this.options.slowHandlersMs,
        ),
        this.options.onSweepTask,
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

  /**
   * The DynamoDB integration (arn:aws:states:::dynamodb:getItem): GetItem as Step Functions calls
   * it, answering in DynamoDB's typed JSON.
   */
  private async loadCandidate(input: unknown) {
    this.rawDynamo ??= new DynamoDBClient({
      endpoint: this.dynamo!.url,
      region: REGION,
      credentials: SIM_CREDENTIALS,
    });
    const item = await this.rawDynamo.send(new GetItemCommand(input as never));
    if (!item.Item) throw named('States.Runtime', 'The candidate of this case is not in the case table');
    return { Item: item.Item };
  }

  /** StartExecution of a case, refused for a name already used, as Step Functions refuses it. */
  private async startCase(
    input: unknown,
    startCases: boolean,
    deferred: { candidate: Candidate; caseId: string }[],
  ) {
    const { Name, Input } = input as { Name: string; Input: { candidate: Candidate } };
    if (this.startedNames.has(Name))
      throw named('StepFunctions.ExecutionAlreadyExistsException', `Execution ${Name} already exists`);
    this.startedNames.add(Name);
    if (startCases) {
      if (this.options.sequentialCases) deferred.push({ candidate: Input.candidate, caseId: Name });
      else this.pendingCases.push(this.runCase(Input.candidate, Name));
    }
    return { ExecutionArn: executionArn(CASE_MACHINE_ARN, Name), StartDate: clock.now().toISOString() };
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
            const opened = (await slowed(invoked('gather-context'), slowMs)(input)) as OpenedCase;
            return timeoutSeconds === undefined
              ? opened
              : { ...opened, approvalTimeoutSeconds: timeoutSeconds };
          },
          // waitForTaskToken: the handler posts the request; the decision arrives through the task callback.
          RequestApproval: (input) =>
            this.awaitToken(input, tokens, timeoutSeconds, (caseId) =>
              this.options.onApprovalRequested?.(caseId),
            ),
          // The quarantine's wait: the daily watcher answers it, on the scenario's clock.
          Quarantine: (input) =>
            this.awaitToken(input, tokens, undefined, (caseId, taskToken) =>
              (this.options.onQuarantine ?? ((id: string) => this.watchQuarantine(id, taskToken)))(
                caseId,
                taskToken,
              ),
            ),
          // After a trip: Release or Delete now, or nothing until the deadline.
          AskAfterTrip: (input) =>
            this.awaitToken(input, tokens, timeoutSeconds, async (caseId) => {
              await this.options.onAfterTrip?.(caseId);
              await this.expire(caseId);
            }),
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

  /**
   * A waitForTaskToken state: the request-approval handler stores the token, and the wait ends by
   * the task callback (a click, the watcher) or by `expire`. Step Functions gives every attempt of
   * the state a token of its own, valid from the start of the attempt; a failed attempt's token
   * dies with it (SendTaskSuccess: TaskTimedOut).
   */
  private async awaitToken(
    input: unknown,
    tokens: string[],
    timeoutSeconds: number | undefined,
    onWaiting: (caseId: string, taskToken: string) => Promise<void> | undefined,
  ): Promise<unknown> {
    const payload = (input as { Payload: { caseId: string; taskToken: string } }).Payload;
    const taskToken = `${payload.taskToken}-attempt-${++this.tokenCounter}`;
    tokens.push(taskToken);
    const answered = new Promise<unknown>((resolve, reject) =>
      this.waiting.set(taskToken, { caseId: payload.caseId, resolve, reject }),
    );
    try {
      await slowed(invoked('request-approval'), this.options.slowHandlersMs ?? 0)({ ...payload, taskToken });
    } catch (error) {
      this.waiting.delete(taskToken);
      throw error;
    }
    // The token dies with the engine's timeout, as in Step Functions: a later SendTaskSuccess gets TaskTimedOut.
    if (timeoutSeconds !== undefined)
      setTimeout(() => this.waiting.delete(taskToken), timeoutSeconds * 1000).unref();
    void Promise.resolve(onWaiting(payload.caseId, taskToken)).catch((error) =>
      this.options.log?.(`the scenario's driver failed: ${String(error)}`),
    );
    return answered;
  }

  /**
   * The daily watcher, day after day of the quarantine on the case's own clock, until it answers
   * the wait: `onDay` runs first each day (what the scenario says happens that day). Nothing moves
   * the case between two days, so no day costs a state transition.
   */
  async watchQuarantine(
    caseId: string,
    taskToken: string,
    onDay?: (day: Date) => Promise<void>,
  ): Promise<void> {
    const quarantine = (await this.caseRecord(caseId))?.quarantine;
    const waiter = this.waiting.get(taskToken);
    if (!quarantine || !waiter) return;
    if (!this.options.clock) {
      this.waiting.delete(taskToken);
      waiter.reject(named('SimulationError', 'A quarantine needs the scenario clock to pass its days'));
      return;
    }
    const days = Math.ceil((Date.parse(quarantine.endsAt) - Date.parse(quarantine.startedAt)) / DAY_MS);
    for (let day = 1; day <= days + 1 && this.waiting.has(taskToken); day++) {
      const at = new Date(Date.parse(quarantine.startedAt) + day * DAY_MS);
      this.options.clock.advanceTo(at);
      await onDay?.(at);
      await slowed(
        (event: unknown) => watchHandler(event, lambdaContext('watch-quarantine')),
        this.options.slowHandlersMs ?? 0,
      )({});
    }
  }

  /** Sends a real, signed Slack block_actions request through the real interactions handler. */
  async click(
    caseId: string,
    decision: Decision | string,
    userId: string,
    overrides: ClickOverrides = {},
  ): Promise<FunctionUrlResult> {
    return slowed(
      (request: unknown) => interactionsHandler(request, lambdaContext('slack-interactions')),
      this.options.slowHandlersMs ?? 0,
    )(signedClick(this.config, { caseId, decision, userId }, overrides));
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
      // After a trip, the approvers' time runs from the trip.
      const from = record.quarantine?.trippedAt ?? record.openedAt;
      const deadline = new Date(from).getTime() + this.config.approvalTimeoutHours * HOUR_MS;
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
