import type { CaseRecord } from '../../lambdas/commons/case/record';
import { credentialText } from '../../lambdas/commons/case/subject';
import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { executionConsoleUrl } from '../../lambdas/commons/case/case-view';
import { count, formatTime } from '../../lambdas/commons/runtime/text';

/**
 * One case as an auditor reads it: who, why, who decided what and when, what changed, and where
 * the evidence and the snapshot are. The same rows feed `cases --json`, `--csv` and `--html`.
 */
export interface AuditRow {
  readonly caseId: string;
  readonly userName: string;
  readonly userId: string;
  readonly accountId: string;
  readonly kind: 'user' | 'credential';
  /** For a credential case: the access key id or `password`. */
  readonly credential: string | null;
  readonly openedAt: string;
  /** The verdict's reason, as the sweep wrote it. */
  readonly reason: string;
  readonly evidence: string;
  /** The CloudTrail events the approver was shown, each named: when, what, which service, region and address. */
  readonly trailEvents: string[];
  readonly decision: string | null;
  readonly decidedBy: string | null;
  /** The decider's name as Slack showed it at the click. */
  readonly decidedByName: string | null;
  readonly decidedAt: string | null;
  /** With twoPersonDelete: who approved the Delete first. */
  readonly firstApprover: string | null;
  readonly firstApproverName: string | null;
  /** Why, in the approver's words, when they gave one. */
  readonly decisionReason: string | null;
  readonly status: string;
  readonly outcome: string | null;
  readonly outcomeDetail: string | null;
  readonly closedAt: string | null;
  readonly changes: string[];
  /** A Delete's quarantine in words: when, the deny policy, every attempt seen, and a release. */
  readonly quarantine: string | null;
  readonly snapshotSaved: boolean;
  readonly jiraKey: string | null;
  readonly jiraUrl: string | null;
  /** The case's Step Functions execution in the AWS console: its every step and input. */
  readonly executionUrl: string | null;
}

export const AUDIT_COLUMNS: readonly (keyof AuditRow)[] = [
  'caseId',
  'userName',
  'userId',
  'accountId',
  'kind',
  'credential',
  'openedAt',
  'reason',
  'evidence',
  'trailEvents',
  'decision',
  'decidedBy',
  'decidedByName',
  'decidedAt',
  'firstApprover',
  'firstApproverName',
  'decisionReason',
  'status',
  'outcome',
  'outcomeDetail',
  'closedAt',
  'changes',
  'quarantine',
  'snapshotSaved',
  'jiraKey',
  'jiraUrl',
  'executionUrl',
];

export function auditRow(record: CaseRecord): AuditRow {
  const candidate = record.candidate;
  const kind = candidate.kind ?? 'user';
  const trail = record.context?.cloudTrail;
  const evidence = [
    candidate.lastActivity
      ? `last activity ${candidate.lastActivity.slice(0, 10)} (${candidate.lastActivitySource.replace(/_/g, ' ')})`
      : 'no recorded activity',
    `${candidate.idleDays} idle days`,
    trail ? trailCount(trail) : 'CloudTrail not read for this case',
  ].join('; ');
  return {
    caseId: record.caseId,
    userName: record.userName,
    userId: record.userId,
    accountId: record.arn.split(':')[4] ?? '',
    kind,
    credential: kind === 'credential' ? (record.credentialId ?? credentialText(record)) : null,
    openedAt: record.openedAt,
    reason: candidate.reason,
    evidence,
    trailEvents: (trail?.recentEvents ?? []).map(trailEvent),
    decision: record.decision?.decision ?? null,
    decidedBy: record.decision?.decidedBy ?? null,
    decidedByName: record.decision?.decidedByName ?? null,
    decidedAt: record.decision?.decidedAt ?? null,
    firstApprover: record.decision?.firstApprover ?? null,
    firstApproverName: record.decision?.firstApproverName ?? null,
    decisionReason: record.decision?.reason ?? null,
    status: record.status,
    outcome: record.outcome ?? null,
    outcomeDetail: record.outcomeDetail ?? null,
    closedAt: record.closedAt ?? null,
    changes: record.removed ?? [],
    quarantine: record.quarantine ? quarantineText(record.quarantine, quarantineHeld(record)) : null,
    snapshotSaved: Boolean(record.snapshot),
    jiraKey: record.jiraKey ?? null,
    jiraUrl: record.jiraUrl ?? null,
    executionUrl: record.executionArn ? executionConsoleUrl(record.executionArn) : null,
  };
}

type Trail = NonNullable<CaseRecord['context']>['cloudTrail'];

/** `2 CloudTrail events in 90 days, both failed sign-ins`: what the events were, not only how many. */
function trailCount(trail: Trail): string {
  const events = `${trail.totalEvents}${trail.truncated ? '+' : ''} CloudTrail ${trail.totalEvents === 1 && !trail.truncated ? 'event' : 'events'} in ${trail.windowDays} days`;
  const failed = trail.failedSignIns ?? 0;
  if (failed === 0) return events;
  const all = failed === trail.totalEvents && !trail.truncated;
  const which = !all
    ? `${count(failed, 'failed sign-in')} among them`
    : failed === 1
      ? 'a failed sign-in'
      : failed === 2
        ? 'both failed sign-ins'
        : `all ${failed} failed sign-ins`;
  return `${events}, ${which}`;
}

/** `2026-11-20 03:12 UTC ConsoleLogin (failed sign-in) by signin.amazonaws.com in us-east-1 from 198.51.100.7` */
function trailEvent(event: Trail['recentEvents'][number]): string {
  return `${formatTime(event.eventTime)} ${event.eventName}${event.failed ? ' (failed sign-in)' : ''}${event.errorCode ? ` (refused: ${event.errorCode})` : ''} by ${event.eventSource} in ${event.region} from ${event.sourceIPAddress}`;
}

/**
 * The order of every listing: by opening, then account, user and case id. An auditor reads a
 * sweep's cases user by user, and two listings of one table always agree (the digest with them).
 */
export function auditOrder(a: AuditRow, b: AuditRow): number {
  return (
    a.openedAt.localeCompare(b.openedAt) ||
    a.accountId.localeCompare(b.accountId) ||
    a.userName.localeCompare(b.userName) ||
    a.caseId.localeCompare(b.caseId)
  );
}

/** The rows as `cases --json` prints them: the text the evidence page's SHA-256 is taken of. */
export function rowsJson(rows: readonly AuditRow[]): string {
  return JSON.stringify(rows, null, 2);
}

/** Hours from opening to the decision, for the cases someone decided. */
export function hoursToDecision(rows: readonly AuditRow[]): number[] {
  return rows
    .filter((row) => row.decidedAt)
    .map((row) => (Date.parse(row.decidedAt!) - Date.parse(row.openedAt)) / HOUR_MS);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
