import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient, iamClientFor } from '../../lambdas/commons/runtime/clients';
import { memberTarget } from '../../lambdas/commons/runtime/member-role';
import { configForAccount, parseConfig } from '../../lambdas/commons/config/config';
import { errorName } from '../../lambdas/commons/runtime/errors';
import {
  OFFBOARD_REFUSALS,
  offboardExecutionName,
  offboardRequest,
} from '../../lambdas/commons/iam/offboard';
import { runInventory, type MarkerWarning, type UserFinding } from '../../lambdas/inventory/inventory';
import { openCaseFor } from './machines';
import { Simulation } from './engine';
import { type CaseRun } from './engine-options';
import { changeDuringApproval } from './account-changes';
import { SimClock } from './clock';
import { incidentsOf } from './incidents';
import { accountChanges, caseViews, refusedCase } from './scenario-views';
import { caseUserName, clickTracer, type ClickTracer } from './click-trace';
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

import { DAY_MS } from '../../lambdas/commons/runtime/time';
import { parseCredentialReport } from '../../lambdas/inventory/credential-report';
import { judgeActivity } from '../../lambdas/inventory/verdict';
import { credentialReportCsv } from './account';
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
  const { sim, clicks } = simulationFor(scenario, config, { hub, runs, organization }, simClock, options);
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
    const startedBy = [
      ...sweep.cases.map(() => 'sweep' as const),
      ...offboarding.runs.map(() => 'offboard' as const),
      ...later.runs.map(() => 'laterSweep' as const),
    ];
    const caseReports = cases.map(({ run, record }, index) => caseReport(run, record, startedBy[index]!));
    const incidents = incidentsOf({
      faults: scenario.faults,
      calls: [
        ...sim.aws.calls,
        ...runs.flatMap((run) => (run.accountId ? sim.aws.member(run.accountId).calls : [])),
      ],
      jira: sim.jira,
      slack: sim.slack,
      clicks: clicks.traces,
      offboardRefused: offboarding.refused,
      cases: cases.map(({ run }, index) => refusedCase(run, caseReports[index]!)),
    });
    const changes = accountChanges(sim, runs, virtualMfaOwners);
    const report: SimulationReport = {
      sweep: sweepSummary(sweep.output),
      cases: caseReports,
      remainingUsers: runs
        .flatMap((run) =>
          [...run.account.users.keys()].map((name) => (run.accountId ? `${run.accountId}/${name}` : name)),
        )
        .sort(),
      accountAfter: accountAfter(runs),
      ...(scenario.offboard.length > 0 ? { offboardRefused: offboarding.refused } : {}),
      ...(later.sweeps.length > 0 ? { laterSweeps: later.sweeps } : {}),
      faults: incidents.injected,
      refusals: incidents.refusals,
      accountChanges: changes,
      warnings: preview.warnings,
    };
    // After the report: what a test does to the account then (a release, say) is not the run's.
    await options.afterRun?.(sim);
    return {
      report,
      incidents,
      verdicts: preview.users,
      cases,
      seconds: (Date.now() - started) / 1000,
      changes,
    };
  } finally {
    await sim.stop();
  }
}

/** The simulation of the scenario, with the scenario's faults and its approvers' decisions, each click traced. */
function simulationFor(
  scenario: Scenario,
  config: Record<string, unknown>,
  { hub, runs, organization }: ReturnType<typeof scenarioAccounts>,
  simClock: SimClock,
  options: RunScenarioOptions,
): { sim: Simulation; clicks: ClickTracer } {
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
    // CloudTrail's 2 lookups a second, paced and enforced 10 times faster: nothing in a scenario's
    // outcome or text depends on how long the lookups took, and a demo need not wait 500 ms a lookup.
    lookupPace: 0.1,
    ...(options.slowHandlersMs ? { slowHandlersMs: options.slowHandlersMs } : {}),
    ...(options.onCaseEnded ? { onCaseEnded: options.onCaseEnded } : {}),
    clock: simClock,
    onApprovalRequested: async (caseId) => {
      await decideAsScenarioSays(sim, clicks, runs, simClock, caseId);
      // No decision reached the workflow (none in the scenario, or a click that was refused): the
      // wait ends at its deadline.
      await sim.expire(caseId);
    },
    onQuarantine: (caseId, taskToken) => quarantine.onQuarantine(caseId, taskToken),
    onAfterTrip: (caseId) => quarantine.onAfterTrip(caseId),
  });
  const clicks = clickTracer(sim);
  const quarantine = quarantineDriver(sim, clicks, runs);
  const idsByName = new Map(
    runs.flatMap((run) =>
      [...run.account.users.values()].map((user) => [user.userName, user.userId] as const),
    ),
  );
  const jiraDown = scenario.faults.jiraDownFor.flatMap((name) => [name, idsByName.get(name) ?? name]);
  sim.jira.failWhen = (request) => jiraDown.some((needle) => request.includes(needle));
  return { sim, clicks };
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
  clicks: ClickTracer,
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
  const by = decision.by ?? sim.config.approverSlackUserIds[0]!;
  await clicks.click(caseId, caseUserName(record), decision.action, by, {
    ...(decision.reason ? { reason: decision.reason } : {}),
  });
}

/**
 * The cases the scenario says were open before the run: their users are not asked again. Each is
 * the case the day before's sweep would have opened, under the id and with the reason it would
 * have written, so that nothing in the case table reads as made up.
 */
async function openEarlierCases(sim: Simulation, runs: readonly ScenarioAccountRun[], now: Date) {
  const earlier = new Date(now.getTime() - DAY_MS);
  for (const run of runs) {
    const report = parseCredentialReport(credentialReportCsv(run.account)).rows;
    const { thresholdDays } = configForAccount(sim.config, run.accountId);
    for (const userName of run.fields.openCases) {
      const user = run.account.users.get(userName);
      const row = report.find((candidate) => candidate.user === userName);
      if (!user || !row) continue;
      const subjectId = run.accountId ? `${run.accountId}-${user.userId}` : user.userId;
      await openCaseFor(sim.store, user, `${subjectId}-${earlier.toISOString().slice(0, 10)}`, earlier, {
        accountId: run.accountId,
        reason: judgeActivity(row, thresholdDays, earlier).reason,
      });
    }
  }
}

/**
 * The verdict table of the timeline, from the same routine the sweep runs (through each member's
 * reader role in organization mode; an account that cannot be reached shows nothing).
 */
async function previewVerdicts(sim: Simulation, runs: readonly ScenarioAccountRun[], now: Date) {
  const preview = {
    users: [] as UserFinding[],
    warnings: { root: [] as string[], ignoredTags: [] as MarkerWarning[] },
  };
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
    preview.warnings.root.push(...found.rootWarnings.map((warning) => prefix + warning));
    preview.warnings.ignoredTags.push(
      ...found.markerWarnings.map(({ userName, warning }) => ({ userName: prefix + userName, warning })),
    );
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
