import type { UserAfter } from './account-after';
import type {
  QuarantineAttempt,
  QuarantineBreach,
  QuarantineRecord,
  CaseRecord,
} from '../../lambdas/commons/case/record';
import type { Outcome } from '../../lambdas/commons/contracts/outcome';
import type { UserFinding } from '../../lambdas/inventory/inventory';
import type { UserChanges } from './account-changes';
import type { CaseRun, SweepRun } from './engine-options';
import type { Incidents, InjectedFault, Refusal } from './incidents';
import type { JiraIssue } from './standins/jira-standin';
import type { SlackPost } from './standins/slack-standin';

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
    /** Left out on purpose (excluded by id or OU), and suspended or closing: never swept. */
    excluded: number;
    inactive: number;
    /** The first 20 by account id; failedCount and haltedCount count them all. */
    failed: { accountId: string; error: string }[];
    failedCount: number;
    halted: { accountId: string; haltReason: string }[];
    haltedCount: number;
    managementAccountSkipped?: string;
  };
  /** Organization mode: another sweep still held the organization, so this one did nothing. */
  overlapping?: { sweepId: string; since: string };
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
    /** The case table's key: what `refusals` and `cases --json` name the case by. */
    caseId: string;
    /** What started it: the first sweep, an offboarding request, or one of the laterSweeps. */
    startedBy: CaseOrigin;
    /** Organization mode: the member account of the case. */
    accountId?: string;
    userName: string;
    kind: 'user' | 'credential';
    /** For a credential case: the access key id, or `password`. */
    credential: string | null;
    reason: string;
    jiraKey: string | null;
    /** `null` when nobody decided, as in `cases --json`. */
    decision: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    outcome: Outcome | 'duplicate' | 'unrecorded';
    /** Why the case ended so, in the words of its record (the timeline's line under the summary). */
    outcomeDetail: string | null;
    snapshotSaved: boolean;
    /** Only for a case that quarantined its user. */
    quarantine?: {
      startedAt: string;
      endsAt: string;
      attempts: QuarantineAttempt[];
      /** What tripped it besides attempts: a deny taken off, a permission change, a blind spot. */
      breaches?: QuarantineBreach[];
      afterTrip?: string;
      releasedAt?: string;
    };
  }[];
  readonly remainingUsers: string[];
  /** What IAM holds of each user left, by name (organization: `<accountId>/<userName>`). */
  readonly accountAfter: Record<string, UserAfter>;
  /** Offboardings refused before any case started (a protected, exempt or unknown user). */
  readonly offboardRefused?: { userName: string; reason: string }[];
  /** The faults the scenario injected, each with how many calls it hit. */
  readonly faults: InjectedFault[];
  /** Every refusal, each with its case when it has one, in the timeline's order. */
  readonly refusals: Refusal[];
  /** Every change made to the account, by user (organization: `<accountId>/<userName>`), in the order made. */
  readonly accountChanges: UserChanges[];
  readonly warnings: SweepWarnings;
}

/** What the sweep warned about besides its verdicts. */
export interface SweepWarnings {
  /** The root user's findings (an access key, no MFA). */
  readonly root: string[];
  /** Marker tags the sweep did not believe, by user (organization: `<accountId>/<userName>`). */
  readonly ignoredTags: { userName: string; warning: string }[];
}

export type CaseOrigin = 'sweep' | 'offboard' | 'laterSweep';

/** What the readable timeline shows besides the report. */
export interface SimulationDetail {
  readonly report: SimulationReport;
  readonly verdicts: UserFinding[];
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
  /** Every change iam-janitor made to the emulated account, by user, in the order made: the report's accountChanges. */
  readonly changes: UserChanges[];
}

/** One sweep's output, as `simulate --json` reports it. */
export function sweepSummary(output: SweepRun['output']): SweepSummary {
  if ('overlapping' in output)
    return { overlapping: output.overlapping, usersScanned: 0, candidates: [], backlog: 0, halted: false };
  return {
    ...('accountsSwept' in output
      ? {
          accounts: {
            swept: output.accountsSwept,
            excluded: output.accountsExcluded,
            inactive: output.accountsInactive,
            failed: output.failedAccounts.map(({ accountId, error }) => ({ accountId, error })),
            failedCount: output.failedAccountCount,
            halted: output.haltedAccounts.map(({ accountId, haltReason }) => ({ accountId, haltReason })),
            haltedCount: output.haltedAccountCount,
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

/** One case as `simulate --json` reports it. */
export function caseReport(
  run: CaseRun,
  record: CaseRecord | undefined,
  startedBy: CaseOrigin,
): SimulationReport['cases'][number] {
  return {
    caseId: run.caseId,
    startedBy,
    ...(record?.candidate.accountId ? { accountId: record.candidate.accountId } : {}),
    userName: run.userName,
    kind: record?.candidate.kind ?? 'user',
    credential: record?.credentialId ?? null,
    reason: record?.candidate.reason ?? '',
    jiraKey: record?.jiraKey ?? null,
    decision: record?.decision?.decision ?? null,
    decidedBy: record?.decision?.decidedBy ?? null,
    decidedAt: record?.decision?.decidedAt ?? null,
    outcome: run.states.includes('DuplicateCase') ? 'duplicate' : (record?.outcome ?? 'unrecorded'),
    outcomeDetail: record?.outcomeDetail ?? null,
    snapshotSaved: Boolean(record?.snapshot),
    ...(record?.quarantine ? { quarantine: quarantineReport(record.quarantine) } : {}),
  };
}

function quarantineReport(
  quarantine: QuarantineRecord,
): NonNullable<SimulationReport['cases'][number]['quarantine']> {
  return {
    startedAt: quarantine.startedAt,
    endsAt: quarantine.endsAt,
    attempts: quarantine.attempts,
    ...(quarantine.breaches?.length ? { breaches: quarantine.breaches } : {}),
    ...(quarantine.decision ? { afterTrip: quarantine.decision.decision } : {}),
    ...(quarantine.releasedAt ? { releasedAt: quarantine.releasedAt } : {}),
  };
}
