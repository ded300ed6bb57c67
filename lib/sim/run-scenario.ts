import { caseHistory, iamClient, iamClientFor, memberTarget } from '../../lambdas/commons/runtime/clients';
import { configForAccount, parseConfig } from '../../lambdas/commons/config/config';
import { errorName } from '../../lambdas/commons/runtime/errors';
import {
  OFFBOARD_REFUSALS,
  offboardExecutionName,
  offboardRequest,
} from '../../lambdas/commons/iam/offboard';
import { runInventory, type UserFinding } from '../../lambdas/inventory/inventory';
import { openCaseFor, Simulation, type CaseRun } from './engine';
import { changeDuringApproval, changesByUser } from './account-changes';
import { clickCase } from './click-cases';
import { SimClock } from './clock';
import { incidentsOf } from './incidents';
import { quarantineDriver } from './quarantine-driver';
import type { Scenario } from './scenario';
import { SIM_ORGANIZATION, scenarioAccounts, type ScenarioAccountRun } from './scenario-accounts';
import {
  caseReport,
  SIM_BASE_CONFIG,
  sweepSummary,
  type SimulationDetail,
  type SimulationReport,
  type SweepSummary,
} from './scenario-report';

export type { SimulationDetail, SimulationReport, SweepSummary } from './scenario-report';
export { SIM_BASE_CONFIG } from './scenario-report';
import { DAY_MS } from '../../lambdas/commons/runtime/time';
import { accountAfter } from './account-after';
import { removerDeny } from './wiring';

export interface RunScenarioOptions {
  /** Delays every Lambda handler: the proof that the outcome does not depend on speed. */
  readonly slowHandlersMs?: number;
  /** Runs once every case has ended, with the stand-ins (the case table included) still up. */
  readonly afterRun?: (sim: Simulation) => Promise<void>;
  /** Runs before the preview and the sweep: state no scenario writes (a case an earlier run decided). */
  readonly beforePreview?: (sim: Simulation) => Promise<void>;
  /** Runs before the sweep, with the stand-ins up (an operator's acknowledgement, say). */
  readonly beforeSweep?: (sim: Simulation) => Promise<void>;
  /** Told as each case of a sweep ends. */
  readonly onCaseEnded?: (done: number, total: number) => void;
}

export async function runScenario(
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<SimulationDetail> {
  const started = Date.now();
  const scenarioNow = new Date(scenario.now);
  // Every handler reads this clock: the run happens at the scenario's `now`, whatever today is.
  const simClock = new SimClock(scenarioNow);
  const config = scenarioConfig(scenario);
  // Fails before any stand-in starts, naming the bad key.
  const { hub, runs, organization } = scenarioAccounts(scenario, parseConfig(config, 'scenario config'));
  const sim = simulationFor(scenario, config, { hub, runs, organization }, simClock, options);
  // The MFA device calls name the device only: it belonged to whoever had it when the run began.
  const virtualMfaOwners = new Map(
    runs.flatMap((run) =>
      [...run.account.virtualMfaDevices.entries()].map(
        ([serial, device]) => [serial, device.assignedTo] as const,
      ),
    ),
  );

  await sim.start();
  try {
    await openEarlierCases(sim, runs, scenarioNow);
    await options.beforePreview?.(sim);
    const preview = await previewVerdicts(sim, runs, scenarioNow);
    await options.beforeSweep?.(sim);
    const sweep = await sim.runSweep(scenarioNow);
    const offboarding = await runOffboardings(sim, scenario, simClock);
    const later = await runLaterSweeps(sim, scenario, simClock);
    const cases = await caseViews(sim, [...sweep.cases, ...offboarding.runs, ...later.runs]);
    const report: SimulationReport = {
      sweep: sweepSummary(sweep.output),
      cases: cases.map(({ run, record }) => caseReport(run, record)),
      remainingUsers: runs
        .flatMap((run) =>
          [...run.account.users.keys()].map((name) => (run.accountId ? `${run.accountId}/${name}` : name)),
        )
        .sort(),
      accountAfter: accountAfter(runs),
      ...(scenario.offboard.length > 0 ? { offboardRefused: offboarding.refused } : {}),
      ...(later.sweeps.length > 0 ? { laterSweeps: later.sweeps } : {}),
    };
    await options.afterRun?.(sim);
    const incidents = incidentsOf({
      faults: scenario.faults,
      calls: [
        ...sim.aws.calls,
        ...runs.flatMap((run) => (run.accountId ? sim.aws.member(run.accountId).calls : [])),
      ],
      jira: sim.jira,
      slack: sim.slack,
      offboardRefused: offboarding.refused,
      duplicateCases: report.cases
        .filter((entry) => entry.outcome === 'duplicate')
        .map((entry) => entry.userName),
      cases: cases.map(({ run, record }) => ({ caseId: run.caseId, userName: run.userName, record })),
    });
    return {
      report,
      incidents,
      verdicts: preview.users,
      rootWarnings: preview.rootWarnings,
      cases,
      seconds: (Date.now() - started) / 1000,
      changes: accountChanges(sim, runs, virtualMfaOwners),
    };
  } finally {
    await sim.stop();
  }
}

/** The simulation of the scenario, with the scenario's faults and its approvers' decisions. */
function simulationFor(
  scenario: Scenario,
  config: Record<string, unknown>,
  { hub, runs, organization }: ReturnType<typeof scenarioAccounts>,
  simClock: SimClock,
  options: RunScenarioOptions,
): Simulation {
  const sim: Simulation = new Simulation({
    account: hub,
    ...(organization ? { organization } : {}),
    config,
    standin: {
      faults: { iamThrottleRate: scenario.faults.iamThrottleRate },
      seed: 2026,
      ...removerDeny(parseConfig({ jiraBaseUrl: 'https://jira.example.com', ...config }).protectedTagKey),
    },
    removerIdentity: true,
    jiraFailures: scenario.faults.jiraFailures,
    slackFailures: scenario.faults.slackFailures,
    // No timer decides a case: a wait ends by a decision, or by `expire` when the scenario gives
    // none, at the deadline in scenario time. Cases run one after another, in the sweep's order.
    sequentialCases: true,
    ...(options.slowHandlersMs ? { slowHandlersMs: options.slowHandlersMs } : {}),
    ...(options.onCaseEnded ? { onCaseEnded: options.onCaseEnded } : {}),
    clock: simClock,
    onApprovalRequested: async (caseId) => {
      await decideAsScenarioSays(sim, runs, simClock, caseId);
      // No decision reached the workflow (none in the scenario, or a click that was refused): the
      // wait ends at its deadline.
      await sim.expire(caseId);
    },
    onQuarantine: (caseId, taskToken) => quarantine.onQuarantine(caseId, taskToken),
    onAfterTrip: (caseId) => quarantine.onAfterTrip(caseId),
  });
  const quarantine = quarantineDriver(sim, runs);
  const idsByName = new Map(
    runs.flatMap((run) =>
      [...run.account.users.values()].map((user) => [user.userName, user.userId] as const),
    ),
  );
  const jiraDown = scenario.faults.jiraDownFor.flatMap((name) => [name, idsByName.get(name) ?? name]);
  sim.jira.failWhen = (request) => jiraDown.some((needle) => request.includes(needle));
  return sim;
}

/** The simulation's config: the base, an organization's when the scenario has accounts, then the scenario's own. */
function scenarioConfig(scenario: Scenario): Record<string, unknown> {
  return {
    ...SIM_BASE_CONFIG,
    // With accounts, the simulation is of an organization deployment unless the config says otherwise.
    ...(scenario.accounts
      ? {
          deploymentMode: 'organization',
          organizationId: SIM_ORGANIZATION.id,
          memberOrganizationalUnitIds: [SIM_ORGANIZATION.rootId],
        }
      : {}),
    ...scenario.config,
  };
}

/**
 * What the scenario says happens while a case waits: the user comes back (`activityDuringApproval`),
 * an admin changes it (`duringApproval`), and an approver clicks (`decisions`).
 */
async function decideAsScenarioSays(
  sim: Simulation,
  runs: readonly ScenarioAccountRun[],
  simClock: SimClock,
  caseId: string,
): Promise<void> {
  const record = await sim.caseRecord(caseId);
  const run = record && runs.find((candidate) => candidate.accountId === record.candidate.accountId);
  if (!record || !run) return;
  const { account, fields } = run;
  const activity = fields.activityDuringApproval[record.userName];
  const user = account.users.get(record.userName);
  if (activity && user) {
    const used = new Date(activity);
    // A credential case's own credential is the one used; otherwise the user's first.
    const key = user.accessKeys.find((candidate) => candidate.id === record.credentialId);
    if (key) key.lastUsedDate = used;
    else if (record.credentialId === 'password' && user.password) user.password.lastUsed = used;
    else if (user.accessKeys[0]) user.accessKeys[0].lastUsedDate = used;
    else if (user.password) user.password.lastUsed = used;
    // The approver decides after the user came back: this case's time moves past the use.
    simClock.advanceTo(new Date(used.getTime() + 60_000));
  }
  const change = fields.duringApproval[record.userName];
  if (change && user) changeDuringApproval(account, user, change, simClock.now());
  const decision = fields.decisions[record.userName];
  if (!decision || decision.action === 'none') return;
  // A decision that names a credential is for that credential's case only.
  if (decision.credential && decision.credential !== record.credentialId) return;
  await clickCase(sim, caseId, decision.action, decision.by ?? sim.config.approverSlackUserIds[0]!, {
    ...(decision.reason ? { reason: decision.reason } : {}),
  });
}

/** The cases the scenario says were open before the run: their users are not asked again. */
async function openEarlierCases(sim: Simulation, runs: readonly ScenarioAccountRun[], now: Date) {
  for (const run of runs) {
    for (const userName of run.fields.openCases) {
      const user = run.account.users.get(userName);
      if (!user) continue;
      await openCaseFor(
        sim.store,
        user,
        `${user.userId}-earlier`,
        new Date(now.getTime() - DAY_MS),
        run.accountId,
      );
    }
  }
}

/**
 * The verdict table of the timeline, from the same routine the sweep runs (through each member's
 * reader role in organization mode; an account that cannot be reached shows nothing).
 */
async function previewVerdicts(sim: Simulation, runs: readonly ScenarioAccountRun[], now: Date) {
  const preview = { users: [] as UserFinding[], rootWarnings: [] as string[] };
  for (const run of runs) {
    if (!run.memberRoles || !run.swept) continue;
    const found = await runInventory({
      iam: run.accountId ? iamClientFor(memberTarget(run.accountId, 'reader', sim.config)) : iamClient(),
      policy: configForAccount(sim.config, run.accountId),
      now,
      openCaseUserNames: new Set(run.fields.openCases),
      report: { pollIntervalMs: 10 },
      // Markers are proven as the inventory Lambda proves them: by the decisions in the case table.
      userCases: (userIds) => caseHistory().casesOfUsers(userIds, run.accountId),
      exemptions: (sightings) => sim.sweeps.exemptionsSeen(sightings, now),
    });
    const prefix = run.accountId ? `${run.accountId}/` : '';
    preview.users.push(...found.users.map((user) => ({ ...user, userName: prefix + user.userName })));
    preview.rootWarnings.push(...found.rootWarnings.map((warning) => prefix + warning));
  }
  return preview;
}

/** Offboardings, as `iam-janitor offboard` starts them: a protected or exempt user is refused. */
async function runOffboardings(sim: Simulation, scenario: Scenario, simClock: SimClock) {
  const runs: CaseRun[] = [];
  const refused: { userName: string; reason: string }[] = [];
  for (const request of scenario.offboard) {
    try {
      const { account, ...asked } = request;
      const candidate = await offboardRequest(asked, account, sim.config, simClock.now());
      runs.push(await sim.runCase(candidate, offboardExecutionName(candidate, simClock.now())));
    } catch (error) {
      if (!OFFBOARD_REFUSALS.includes(errorName(error))) throw error;
      refused.push({
        userName: request.account ? `${request.account}/${request.userName}` : request.userName,
        reason: (error as Error).message,
      });
    }
  }
  return { runs, refused };
}

/** Later sweeps on the scenario's clock: a day later, say, the users decided about stay decided. */
async function runLaterSweeps(sim: Simulation, scenario: Scenario, simClock: SimClock) {
  const sweeps: (SweepSummary & { at: string })[] = [];
  const runs: CaseRun[] = [];
  for (const at of scenario.laterSweeps) {
    simClock.moveTo(new Date(at));
    const later = await sim.runSweep(new Date(at));
    sweeps.push({ at, ...sweepSummary(later.output) });
    runs.push(...later.cases);
  }
  return { sweeps, runs };
}

/** Each case with what people saw of it: its record, ticket, request, message, thread and ephemeral replies. */
async function caseViews(sim: Simulation, runs: readonly CaseRun[]): Promise<SimulationDetail['cases']> {
  const cases = [];
  for (const run of runs) {
    const record = await sim.caseRecord(run.caseId);
    cases.push({
      run,
      record,
      issue: record?.jiraKey ? sim.jira.issues.get(record.jiraKey) : undefined,
      request: sim.slack.posts.find(
        (post) => post.method === 'chat.postMessage' && post.ts === record?.slackTs,
      ),
      message: record?.slackTs ? sim.slack.messages.get(record.slackTs) : undefined,
      // Without an approval message, the outcome is posted in the channel, naming the case.
      thread: record?.slackTs
        ? sim.slack.threadOf(record.slackTs)
        : sim.slack.posts.filter((post) => !post.threadTs && post.text.includes(run.caseId)),
      ephemeral: sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral'),
    });
  }
  return cases;
}

/** What changed in each account, user by user, as the stand-ins saw it succeed. */
function accountChanges(
  sim: Simulation,
  runs: readonly ScenarioAccountRun[],
  virtualMfaOwners: Map<string, string | null>,
) {
  return runs.flatMap((run) =>
    changesByUser(
      (run.accountId ? sim.aws.member(run.accountId) : sim.aws).mutatingCalls(),
      virtualMfaOwners,
    ).map((entry) => ({
      ...entry,
      userName: run.accountId ? `${run.accountId}/${entry.userName}` : entry.userName,
    })),
  );
}
