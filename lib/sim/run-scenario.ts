import { iamClient, iamClientFor, memberTarget } from '../../lambdas/commons/runtime/clients';
import { configForAccount, parseConfig, type JanitorConfig } from '../../lambdas/commons/config/config';
import type { CaseRecord } from '../../lambdas/commons/case/case-store';
import type { Outcome } from '../../lambdas/commons/contracts';
import { errorName } from '../../lambdas/commons/runtime/errors';
import {
  OFFBOARD_REFUSALS,
  offboardExecutionName,
  offboardRequest,
} from '../../lambdas/commons/iam/offboard';
import { runInventory, type UserFinding } from '../../lambdas/inventory/inventory';
import { openCaseFor, Simulation, type CaseRun, type SweepRun } from './engine';
import type { JiraIssue } from './standins/jira-standin';
import { addUser, applyTags, stableId, type SimAccount, type SimUser } from './account';
import type { CallRecord } from './standins/aws-standin';
import { SimClock } from './clock';
import { incidentsOf, type Incidents } from './incidents';
import type { SimOrganization } from './standins/organization-standin';
import { buildAccount, type Scenario, type ScenarioAccount } from './scenario';
import type { SlackPost } from './standins/slack-standin';
import { DAY_MS } from '../../lambdas/commons/runtime/time';

/** The simulation's config before the scenario's own: valid ids for a workspace that does not exist. */
export const SIM_BASE_CONFIG = {
  slackChannelId: 'C0SIMULATED',
  approverSlackUserIds: ['U0123ABCDEF'],
  slackTeamId: 'T0SIMULATED',
  jiraBaseUrl: 'https://jira.example.com',
  jiraProjectKey: 'SEC',
};

/** One sweep, as `simulate --json` reports it. */
export interface SweepSummary {
  /** Organization mode: how the accounts fared; a failed account is reported, not fatal. */
  accounts?: {
    swept: number;
    failed: { accountId: string; error: string }[];
    halted: { accountId: string; haltReason: string }[];
    managementAccountSkipped?: string;
  };
  usersScanned: number;
  candidates: string[];
  /** Candidates not opened this run: they wait for the next sweep. */
  backlog: number;
  halted: boolean;
  haltReason?: string;
}

/** Exactly the `simulate --json` shape of ARCHITECTURE.md. */
export interface SimulationReport {
  readonly sweep: SweepSummary;
  /** The scenario's laterSweeps, each with its moment; their cases follow the first sweep's in `cases`. */
  readonly laterSweeps?: (SweepSummary & { at: string })[];
  readonly cases: {
    /** Organization mode: the member account of the case. */
    accountId?: string;
    userName: string;
    kind: 'user' | 'credential';
    /** For a credential case: the access key id, or `password`. */
    credential: string | null;
    reason: string;
    jiraKey: string | null;
    decision: string;
    decidedBy: string | null;
    outcome: Outcome | 'duplicate' | 'unrecorded';
    snapshotSaved: boolean;
  }[];
  readonly remainingUsers: string[];
  /** Offboardings refused before any case started (a protected, exempt or unknown user). */
  readonly offboardRefused?: { userName: string; reason: string }[];
}

/** What the readable timeline shows besides the report. */
export interface SimulationDetail {
  readonly report: SimulationReport;
  readonly verdicts: UserFinding[];
  readonly rootWarnings: string[];
  readonly cases: {
    run: CaseRun;
    record?: CaseRecord;
    issue?: JiraIssue;
    /** The approval request as it was first posted, buttons and all: what an approver saw. */
    request?: SlackPost;
    /** The same message as it stands at the end. */
    message?: SlackPost;
    thread: SlackPost[];
    ephemeral: SlackPost[];
  }[];
  /** The faults the scenario injected and everything that was refused, counted by the stand-ins. */
  readonly incidents: Incidents;
  readonly seconds: number;
  /** Every change iam-janitor made to the emulated account, by user, in the order made. */
  readonly changes: { userName: string; changes: string[] }[];
}

/** The simulated organization's id and root: what the config's organization keys default to. */
const SIM_ORGANIZATION = { id: 'o-simulated01', rootId: 'r-sim1' } as const;

/** One account the scenario seeds: the only one in account mode, each member in organization mode. */
interface ScenarioAccountRun {
  /** Organization mode only. */
  readonly accountId?: string;
  readonly account: SimAccount;
  readonly fields: ScenarioAccount;
  readonly memberRoles: boolean;
  /** Organization mode: whether the sweep reaches the account (ACTIVE, and in no excluded OU). */
  readonly swept: boolean;
}

/**
 * The accounts of the scenario, and, with `accounts`, the organization around them: a root, one OU
 * per organizationalUnitId, and the member roles the config names.
 */
function scenarioAccounts(
  scenario: Scenario,
  parsed: JanitorConfig,
): { hub: SimAccount; runs: ScenarioAccountRun[]; organization?: SimOrganization } {
  const hub = buildAccount(scenario.accounts ? { ...scenario, users: [], cloudTrail: [] } : scenario);
  if (!scenario.accounts)
    return { hub, runs: [{ account: hub, fields: scenario, memberRoles: true, swept: true }] };
  const runs = scenario.accounts.map((fields) => ({
    accountId: fields.accountId,
    account: buildAccount(fields),
    fields,
    memberRoles: fields.memberRoles,
    swept:
      fields.state === 'ACTIVE' &&
      !parsed.excludeAccountIds.includes(fields.accountId) &&
      !parsed.excludeOrganizationalUnitIds.includes(fields.organizationalUnitId ?? ''),
  }));
  const units = [...new Set(scenario.accounts.flatMap((fields) => fields.organizationalUnitId ?? []))];
  return {
    hub,
    runs,
    organization: {
      id: parsed.organizationId ?? SIM_ORGANIZATION.id,
      managementAccountId: scenario.accountId,
      rootId: SIM_ORGANIZATION.rootId,
      units: units.map((id) => ({ id, parentId: SIM_ORGANIZATION.rootId, name: id })),
      members: scenario.accounts.map((fields, index) => ({
        accountId: fields.accountId,
        name: fields.name ?? fields.accountId,
        parentId: fields.organizationalUnitId ?? SIM_ORGANIZATION.rootId,
        state: fields.state,
        account: runs[index]!.account,
        memberRoles: fields.memberRoles,
      })),
      memberRoleNames: [`${parsed.memberRoleName}-reader`, `${parsed.memberRoleName}-remover`],
      externalId: parsed.memberExternalId,
    },
  };
}

/** The account's changes in a person's words: what the stand-in saw succeed, user by user. */
function changesByUser(
  calls: CallRecord[],
  virtualMfaOwners: Map<string, string | null>,
): SimulationDetail['changes'] {
  const byUser = new Map<string, string[]>();
  for (const call of calls) {
    // The MFA device calls name the device only: it belonged to whoever had it when the run began.
    const userName =
      call.params.UserName ?? virtualMfaOwners.get(call.params.SerialNumber ?? '') ?? '(account)';
    const list = byUser.get(userName) ?? [];
    list.push(describeChange(call));
    byUser.set(userName, list);
  }
  return [...byUser.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([userName, changes]) => ({ userName, changes }));
}

function describeChange(call: CallRecord): string {
  const p = call.params;
  switch (call.action) {
    case 'DeleteUser':
      return 'user deleted';
    case 'DeleteLoginProfile':
      return 'console password deleted';
    case 'DeleteAccessKey':
      return `access key ${p.AccessKeyId} deleted`;
    case 'UpdateAccessKey':
      return `access key ${p.AccessKeyId} set ${p.Status}`;
    case 'UpdateSSHPublicKey':
      return `SSH key ${p.SSHPublicKeyId} set ${p.Status}`;
    case 'UpdateServiceSpecificCredential':
      return `service credential ${p.ServiceSpecificCredentialId} set ${p.Status}`;
    case 'UpdateSigningCertificate':
      return `signing certificate ${p.CertificateId} set ${p.Status}`;
    case 'DeleteSigningCertificate':
      return `signing certificate ${p.CertificateId} deleted`;
    case 'DeleteSSHPublicKey':
      return `SSH key ${p.SSHPublicKeyId} deleted`;
    case 'DeleteServiceSpecificCredential':
      return `service credential ${p.ServiceSpecificCredentialId} deleted`;
    case 'DeleteVirtualMFADevice':
      return `virtual MFA device ${p.SerialNumber?.split('/').pop()} deleted`;
    case 'TagMFADevice':
      return `virtual MFA device ${p.SerialNumber?.split('/').pop()} tagged ${p['Tags.member.1.Key']}=${p['Tags.member.1.Value']}`;
    case 'DeactivateMFADevice':
      return `MFA device ${p.SerialNumber?.split('/').pop()} deactivated`;
    case 'DeleteUserPolicy':
      return `inline policy ${p.PolicyName} deleted`;
    case 'DetachUserPolicy':
      return `policy ${p.PolicyArn?.split('/').pop()} detached`;
    case 'RemoveUserFromGroup':
      return `removed from group ${p.GroupName}`;
    case 'TagUser':
      return `tagged ${p['Tags.member.1.Key']}=${p['Tags.member.1.Value']}`;
    default:
      return call.action;
  }
}

/** What `duringApproval` does to a user while the case waits, as an admin would in the console. */
function changeDuringApproval(
  account: SimAccount,
  user: SimUser,
  change: Scenario['duringApproval'][string],
  now: Date,
): void {
  if (change.recreated) {
    // Deleted and created again: another person with the same name and a new user id.
    account.users.delete(user.userName);
    addUser(account, {
      userName: user.userName,
      path: user.path,
      userId: stableId('AIDA', `${account.accountId}/${user.userName}/recreated`),
      createDate: now,
      password: { createDate: now, lastUsed: null },
    });
    return;
  }
  if (change.newAccessKey) {
    // IAM holds two keys at most: a rotation deletes the second before it creates the new one.
    user.accessKeys.splice(1, 1, {
      id: stableId('AKIA', `${user.userId}/new-key`, 16),
      status: 'Active',
      createDate: now,
      lastUsedDate: null,
    });
  }
  if (change.tags)
    applyTags(
      user.tags,
      Object.entries(change.tags).map(([Key, Value]) => ({ Key, Value })),
    );
  if (change.groups) {
    user.groups = [...change.groups];
    for (const group of change.groups) account.groups.add(group);
  }
}

function sweepSummary(output: SweepRun['output']): SweepSummary {
  return {
    ...('accountsSwept' in output
      ? {
          accounts: {
            swept: output.accountsSwept,
            failed: output.failedAccounts.map(({ accountId, error }) => ({ accountId, error })),
            halted: output.haltedAccounts.map(({ accountId, haltReason }) => ({ accountId, haltReason })),
            ...(output.managementAccountSkipped
              ? { managementAccountSkipped: output.managementAccountSkipped }
              : {}),
          },
        }
      : {}),
    usersScanned: output.usersScanned,
    candidates: output.halted
      ? (output.candidatesPreview ?? [])
      : output.candidates.map((candidate) =>
          candidate.accountId ? `${candidate.accountId}/${candidate.userName}` : candidate.userName,
        ),
    backlog: output.backlog,
    halted: output.halted,
    ...(output.haltReason ? { haltReason: output.haltReason } : {}),
  };
}

export async function runScenario(
  scenario: Scenario,
  options: {
    /** Delays every Lambda handler: the proof that the outcome does not depend on speed. */
    slowHandlersMs?: number;
    /** Runs once every case has ended, with the stand-ins (the case table included) still up. */
    afterRun?: (sim: Simulation) => Promise<void>;
    /** Runs before the sweep, with the stand-ins up (an operator's acknowledgement, say). */
    beforeSweep?: (sim: Simulation) => Promise<void>;
    /** Told as each case of a sweep ends. */
    onCaseEnded?: (done: number, total: number) => void;
  } = {},
): Promise<SimulationDetail> {
  const started = Date.now();
  const scenarioNow = new Date(scenario.now);
  // Every handler reads this clock: the run happens at the scenario's `now`, whatever today is.
  const simClock = new SimClock(scenarioNow);
  const config: Record<string, unknown> = {
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
  // Fails before any stand-in starts, naming the bad key.
  const { hub, runs, organization } = scenarioAccounts(scenario, parseConfig(config, 'scenario config'));
  const runOf = (accountId: string | undefined) => runs.find((run) => run.accountId === accountId);
  const virtualMfaOwners = new Map(
    runs.flatMap((run) =>
      [...run.account.virtualMfaDevices.entries()].map(
        ([serial, device]) => [serial, device.assignedTo] as const,
      ),
    ),
  );
  const idsByName = new Map(
    runs.flatMap((run) =>
      [...run.account.users.values()].map((user) => [user.userName, user.userId] as const),
    ),
  );

  const sim: Simulation = new Simulation({
    account: hub,
    ...(organization ? { organization } : {}),
    config,
    standin: { faults: { iamThrottleRate: scenario.faults.iamThrottleRate }, seed: 2026 },
    jiraFailures: scenario.faults.jiraFailures,
    slackFailures: scenario.faults.slackFailures,
    // No timer decides a case: a wait ends by a decision, or by `expire` when the scenario gives
    // none, at the deadline in scenario time. Cases run one after another, in the sweep's order.
    sequentialCases: true,
    ...(options.slowHandlersMs ? { slowHandlersMs: options.slowHandlersMs } : {}),
    ...(options.onCaseEnded ? { onCaseEnded: options.onCaseEnded } : {}),
    clock: simClock,
    onApprovalRequested: async (caseId) => {
      await decide(caseId);
      // No decision reached the workflow (none in the scenario, or a click that was refused): the
      // wait ends at its deadline.
      await sim.expire(caseId);
    },
  });
  async function decide(caseId: string): Promise<void> {
    const record = await sim.caseRecord(caseId);
    const run = record && runOf(record.candidate.accountId);
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
    await sim.click(caseId, decision.action, decision.by ?? sim.config.approverSlackUserIds[0]!, {
      ...(decision.reason ? { reason: decision.reason } : {}),
    });
  }
  const jiraDown = scenario.faults.jiraDownFor.flatMap((name) => [name, idsByName.get(name) ?? name]);
  sim.jira.failWhen = (request) => jiraDown.some((needle) => request.includes(needle));

  await sim.start();
  try {
    for (const run of runs) {
      for (const userName of run.fields.openCases) {
        const user = run.account.users.get(userName);
        if (!user) continue;
        await openCaseFor(
          sim.store,
          user,
          `${user.userId}-earlier`,
          new Date(scenarioNow.getTime() - DAY_MS),
          run.accountId,
        );
      }
    }
    // The verdict table of the timeline, from the same routine the sweep runs (through each
    // member's reader role in organization mode; an account that cannot be reached shows nothing).
    const preview = { users: [] as UserFinding[], rootWarnings: [] as string[] };
    for (const run of runs) {
      if (!run.memberRoles || !run.swept) continue;
      const found = await runInventory({
        iam: run.accountId ? iamClientFor(memberTarget(run.accountId, 'reader', sim.config)) : iamClient(),
        policy: configForAccount(sim.config, run.accountId),
        now: scenarioNow,
        openCaseUserNames: new Set(run.fields.openCases),
        report: { pollIntervalMs: 10 },
      });
      const prefix = run.accountId ? `${run.accountId}/` : '';
      preview.users.push(...found.users.map((user) => ({ ...user, userName: prefix + user.userName })));
      preview.rootWarnings.push(...found.rootWarnings.map((warning) => prefix + warning));
    }
    await options.beforeSweep?.(sim);
    const sweep = await sim.runSweep(scenarioNow);
    const output = sweep.output;
    // Offboardings, as `iam-janitor offboard` starts them: a protected or exempt user is refused.
    const offboardRuns: CaseRun[] = [];
    const offboardRefused: { userName: string; reason: string }[] = [];
    for (const request of scenario.offboard) {
      try {
        const { account, ...asked } = request;
        const candidate = await offboardRequest(asked, account, sim.config, simClock.now());
        offboardRuns.push(await sim.runCase(candidate, offboardExecutionName(candidate, simClock.now())));
      } catch (error) {
        if (!OFFBOARD_REFUSALS.includes(errorName(error))) throw error;
        offboardRefused.push({
          userName: request.account ? `${request.account}/${request.userName}` : request.userName,
          reason: (error as Error).message,
        });
      }
    }
    // Later sweeps on the scenario's clock: a day later, say, the users decided about stay decided.
    const laterSweeps: (SweepSummary & { at: string })[] = [];
    const laterRuns: CaseRun[] = [];
    for (const at of scenario.laterSweeps) {
      simClock.moveTo(new Date(at));
      const later = await sim.runSweep(new Date(at));
      laterSweeps.push({ at, ...sweepSummary(later.output) });
      laterRuns.push(...later.cases);
    }
    const cases = [];
    for (const run of [...sweep.cases, ...offboardRuns, ...laterRuns]) {
      const record = await sim.caseRecord(run.caseId);
      const message = record?.slackTs ? sim.slack.messages.get(record.slackTs) : undefined;
      cases.push({
        run,
        record,
        issue: record?.jiraKey ? sim.jira.issues.get(record.jiraKey) : undefined,
        request: sim.slack.posts.find(
          (post) => post.method === 'chat.postMessage' && post.ts === record?.slackTs,
        ),
        message,
        // Without an approval message, the outcome is posted in the channel, naming the case.
        thread: record?.slackTs
          ? sim.slack.threadOf(record.slackTs)
          : sim.slack.posts.filter((post) => !post.threadTs && post.text.includes(run.caseId)),
        ephemeral: sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral'),
      });
    }
    const report: SimulationReport = {
      sweep: sweepSummary(output),
      cases: cases.map(({ run, record }) => ({
        ...(record?.candidate.accountId ? { accountId: record.candidate.accountId } : {}),
        userName: run.userName,
        kind: record?.candidate.kind ?? 'user',
        credential: record?.credentialId ?? null,
        reason: record?.candidate.reason ?? '',
        jiraKey: record?.jiraKey ?? null,
        decision: record?.decision?.decision ?? 'none',
        decidedBy: record?.decision?.decidedBy ?? null,
        outcome: run.states.includes('DuplicateCase') ? 'duplicate' : (record?.outcome ?? 'unrecorded'),
        snapshotSaved: Boolean(record?.snapshot),
      })),
      remainingUsers: runs
        .flatMap((run) =>
          [...run.account.users.keys()].map((name) => (run.accountId ? `${run.accountId}/${name}` : name)),
        )
        .sort(),
      ...(scenario.offboard.length > 0 ? { offboardRefused } : {}),
      ...(laterSweeps.length > 0 ? { laterSweeps } : {}),
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
      offboardRefused,
      duplicateCases: report.cases
        .filter((entry) => entry.outcome === 'duplicate')
        .map((entry) => entry.userName),
    });
    return {
      report,
      incidents,
      verdicts: preview.users,
      rootWarnings: preview.rootWarnings,
      cases,
      seconds: (Date.now() - started) / 1000,
      changes: runs.flatMap((run) =>
        changesByUser(
          (run.accountId ? sim.aws.member(run.accountId) : sim.aws).mutatingCalls(),
          virtualMfaOwners,
        ).map(({ userName, changes }) => ({
          userName: run.accountId ? `${run.accountId}/${userName}` : userName,
          changes,
        })),
      ),
    };
  } finally {
    await sim.stop();
  }
}
