import './promise-with-resolvers';
import type { StateMachine } from 'aws-local-stepfunctions';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { type CaseRecord } from '../../lambdas/commons/case/record';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import {
  clientSettings,
  configureClients,
  type ClientSettings,
} from '../../lambdas/commons/runtime/client-settings';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { parseConfig, type JanitorConfig } from '../../lambdas/commons/config/config';
import { caseIdOf, type Candidate } from '../../lambdas/commons/contracts/candidate';
import { type Decision } from '../../lambdas/commons/contracts/decision';
import { clock, useClock } from '../../lambdas/commons/runtime/clock';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import type { OpenedCase } from '../../lambdas/commons/case-state';
import {
  handler as interactionsHandler,
  type FunctionUrlResult,
} from '../../lambdas/slack-interactions/handler';
import { buttonToClick, signedClick, type ClickOverrides } from './slack-click';
import { TaskTokens } from './task-tokens';
import { watchQuarantine } from './quarantine-watch';
import type { SimClock } from './clock';
import { AwsStandin } from './standins/aws-standin';
import { CASE_TABLE, startDynamo } from './standins/dynamo';
import { executionArn, loadMachine, machineArn, named, runMachine } from './machines';
import { bindTasks, invoked, lambdaContext, slowed, spiedOn } from './handlers';
import { sweepTasks } from './sweep-tasks';
import { JiraStandin } from './standins/jira-standin';
import { SlackStandin } from './standins/slack-standin';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';

/**
 * Runs the real state machines offline: statemachine/*.asl.json through aws-local-stepfunctions,
 * every Task bound to the real handler, against stand-ins for IAM, CloudTrail, Step Functions
 * callbacks, Secrets Manager, Slack, Jira, and DynamoDB on dynalite. Only time is compressed:
 * the approval timeout, retry intervals and, with lookupPace, CloudTrail's pacing.
 */

import { SIM_SECRETS, type CaseRun, type SimulationOptions, type SweepRun } from './engine-options';
import { clientsAt, dynamoIntegration, handlerEnvironment, leaveEnvironment, storedSecrets } from './wiring';

/** The longest timer the engine (setTimeout) keeps: 2^31 - 1 ms, in whole seconds. */
const ENGINE_TIMER_LIMIT_S = Math.floor((2 ** 31 - 1) / 1000);

export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
}

export class Simulation {
  readonly aws: AwsStandin;
  readonly slack = new SlackStandin(SIM_SECRETS.slackBotToken);
  readonly jira = new JiraStandin(SIM_SECRETS.jiraEmail, SIM_SECRETS.jiraApiToken);
  config!: JanitorConfig;
  private dynamo?: Awaited<ReturnType<typeof startDynamo>>;
  /** DynamoDB as Step Functions' integration calls it (typed JSON), for the sweep machines. */
  private tableIntegration?: ReturnType<typeof dynamoIntegration>;
  readonly tokens = new TaskTokens();
  private readonly startedNames = new Set<string>();
  private readonly pendingCases: Promise<CaseRun>[] = [];
  private readonly caseMachine: StateMachine;
  private sweepMachine?: StateMachine;
  private settingsBefore: ClientSettings = {};

  constructor(private readonly options: SimulationOptions) {
    this.aws = new AwsStandin(options.account, {
      ...options.standin,
      ...(options.lookupPace ? { lookupWindowMs: 1000 * options.lookupPace } : {}),
      ...(options.organization ? { organization: options.organization } : {}),
      secrets: storedSecrets(options.secretValues),
      onTaskCallback: (call) => this.tokens.answer(call),
    });
    this.caseMachine = loadMachine('case', options.account.accountId);
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
    const sites = { slack: this.slack.url, jira: this.jira.url };
    Object.assign(process.env, handlerEnvironment(this.config, sites, this.options.lookupPace));
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
    this.tableIntegration?.destroy();
    await Promise.all([this.aws.stop(), this.slack.stop(), this.jira.stop(), this.dynamo?.stop()]);
    configureClients(this.settingsBefore);
    useClock(undefined);
    leaveEnvironment();
  }

  /** The sweep machines' own DynamoDB calls, to the simulation's table. */
  private get table(): ReturnType<typeof dynamoIntegration> {
    return (this.tableIntegration ??= dynamoIntegration(this.dynamo!.url));
  }

  get store(): CaseStore {
    return new CaseStore(documentClient(), CASE_TABLE);
  }

  get quarantines(): QuarantineStore {
    return new QuarantineStore(documentClient(), CASE_TABLE);
  }

  get sweeps(): SweepStore {
    return new SweepStore(documentClient(), CASE_TABLE);
  }

  /** Runs the sweep, then waits for every case it started; `startCases: false` only counts the starts. */
  async runSweep(startedAt = clock.now(), options: { startCases?: boolean } = {}): Promise<SweepRun> {
    const sweepId = `sweep-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
    this.sweepMachine ??= loadMachine(this.sweepKey, this.options.account.accountId);
    const deferred: { candidate: Candidate; caseId: string }[] = [];
    const arn = executionArn(machineArn(this.sweepKey, this.options.account.accountId), sweepId);
    this.aws.executions.started(arn, startedAt);
    const { output, transitions, error } = await runMachine(
      this.sweepMachine,
      {},
      { Execution: { Id: arn, Name: sweepId, StartTime: startedAt.toISOString() } },
      spiedOn(
        bindTasks(
          this.sweepKey,
          sweepTasks(startedAt, this.options.slowHandlersMs ?? 0, this.table, (input) =>
            this.startCase(input, options.startCases !== false, deferred),
          ),
          this.options.slowHandlersMs,
        ),
        this.options.onSweepTask,
      ),
      this.options.onSweepPayload,
    );
    this.aws.executions.ended(arn, error ? 'FAILED' : 'SUCCEEDED', clock.now());
    const cases = await Promise.all(this.pendingCases.splice(0));
    // A sweep that failed (a Fail state, a payload over 256 KB) has no output to report on.
    if (error) throw new SweepFailedError(`The sweep execution failed: ${error}`);
    const result = output as unknown as SweepRun['output'];
    // Sequential cases run in the order of the sweep's batch, not in the order the Map's
    // iterations happened to reach StartCase, which depends on timing.
    const order =
      'overlapping' in result ? [] : result.candidates.map((ref) => caseIdOf(ref, result.runDate));
    deferred.sort((a, b) => order.indexOf(a.caseId) - order.indexOf(b.caseId));
    for (const [index, { candidate, caseId }] of deferred.entries()) {
      cases.push(await this.runCase(candidate, caseId));
      this.options.onCaseEnded?.(index + 1, deferred.length);
    }
    return { output: result, cases, transitions };
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
    return {
      ExecutionArn: executionArn(machineArn('case', this.options.account.accountId), Name),
      StartDate: clock.now().toISOString(),
    };
  }

  /** Runs one case execution to its end, on its own lane of the scenario's clock. */
  runCase(candidate: Candidate, caseId: string): Promise<CaseRun> {
    return this.options.clock
      ? this.options.clock.inLane(() => this.executeCase(candidate, caseId))
      : this.executeCase(candidate, caseId);
  }

  private async executeCase(candidate: Candidate, caseId: string): Promise<CaseRun> {
    this.startedNames.add(caseId);
    const token = `${this.tokens.next('sim-task-token')}-${'x'.repeat(64)}`;
    const timeoutSeconds = this.options.approvalTimeoutSeconds;
    const slowMs = this.options.slowHandlersMs ?? 0;
    const caseExecutionArn = executionArn(machineArn('case', this.options.account.accountId), caseId);
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
            // The engine's timers are setTimeout, which fires at once past 24.8 days: the quarantine's
            // backstop is held below that (a timer the scenario never reaches either way).
            const quarantineTimeoutSeconds = Math.min(opened.quarantineTimeoutSeconds, ENGINE_TIMER_LIMIT_S);
            return {
              ...opened,
              quarantineTimeoutSeconds,
              ...(timeoutSeconds === undefined ? {} : { approvalTimeoutSeconds: timeoutSeconds }),
            };
          },
          // waitForTaskToken: the handler posts the request; the decision arrives through the task callback.
          RequestApproval: (input) =>
            this.awaitToken(input, tokens, timeoutSeconds, (caseId) =>
              this.options.onApprovalRequested?.(caseId),
            ),
          // The quarantine's wait: the daily watcher answers it, on the scenario's clock.
          Quarantine: (input) =>
            this.awaitToken(input, tokens, undefined, (caseId, taskToken) =>
              (this.options.onQuarantine ?? ((id: string) => watchQuarantine(this, id, taskToken)))(
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
        this.options.removerIdentity,
      ),
    );
    for (const attempt of tokens) this.tokens.drop(attempt);
    return {
      caseId,
      userName: candidate.userName,
      ...run,
      output: run.output as Record<string, unknown> | null,
    };
  }

  /** A waitForTaskToken state, served by the request-approval handler (see TaskTokens.request). */
  private awaitToken(
    input: unknown,
    tokens: string[],
    timeoutSeconds: number | undefined,
    onWaiting: (caseId: string, taskToken: string) => Promise<void> | undefined,
  ): Promise<unknown> {
    return this.tokens.request(input, tokens, {
      invoke: slowed(invoked('request-approval'), this.options.slowHandlersMs ?? 0),
      timeoutSeconds,
      onWaiting,
      log: this.options.log,
    });
  }

  get scenarioClock(): SimClock | undefined {
    return this.options.clock;
  }

  /** The quarantine watcher, invoked once as its daily schedule does. */
  runWatcher(): Promise<unknown> {
    return slowed(invoked('watch-quarantine'), this.options.slowHandlersMs ?? 0)({});
  }

  /**
   * Sends a real, signed Slack block_actions request through the real interactions handler, for
   * the button the case's message shows (see buttonToClick).
   */
  async click(
    caseId: string,
    decision: Decision | string,
    userId: string,
    overrides: ClickOverrides = {},
  ): Promise<FunctionUrlResult> {
    const button = buttonToClick(
      this.slack.shown,
      await this.caseRecord(caseId),
      { caseId, decision, channel: this.config.slackChannelId },
      overrides.messageTs,
    );
    return slowed(
      (request: unknown) => interactionsHandler(request, lambdaContext('slack-interactions')),
      this.options.slowHandlersMs ?? 0,
    )(signedClick(this.config, { userId, button }, overrides));
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
    const token = this.tokens.tokenOf(caseId);
    if (!token) return false;
    // Taken now: a click while the deadline is computed finds the wait over.
    const timeOut = this.tokens.detach(token)!;
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
    timeOut(named('States.Timeout', 'The approval wait timed out with no decision'));
    return true;
  }
}
