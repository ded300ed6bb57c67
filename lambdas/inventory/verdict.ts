import type { ActivitySource, Verdict } from '../commons/contracts/candidate';
import { exemptionOf, pathOfArn } from '../commons/case/exemptions';
import { DISABLED_AT_TAG_KEY, tagKeyOf } from '../commons/iam/tags';
import { exemptionText } from '../commons/case/exemption-record';
import { keepCounts, parseKeepUntil } from './exemptions';
import { NO_MARKERS, type MarkerReading } from './markers';
import type { CredentialReportRow } from './credential-report';
import { daysAgo } from '../commons/runtime/text';
import { DAY_MS } from '../commons/runtime/time';

export const ROOT_USER = '<root_account>';

/** The part of the config that decides a verdict. */
export interface VerdictPolicy {
  readonly thresholdDays: number;
  readonly protectedTagKey: string;
  readonly keepUntilTagKey: string;
  /** How long a keep-until no Keep decision wrote counts, from its first sighting. */
  readonly maxKeepDays: number;
  readonly exemptUserNames: readonly string[];
  readonly exemptPathPrefixes: readonly string[];
}

export interface UserVerdict {
  readonly userName: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: string;
  /** The latest recorded use of the password or an access key; null when none was ever recorded. */
  readonly lastActivity: string | null;
  readonly lastActivitySource: ActivitySource;
  /** Whole days since the last activity, or since creation when no use was recorded. */
  readonly idleDays: number;
  readonly verdict: Verdict;
  readonly reason: string;
}

/**
 * Reads a credential-report date field. The report writes three special values instead of a date:
 * - `N/A`: the credential does not exist (no password, no such key), or the key was never used;
 * - `no_information`: the password exists but no use is recorded (never used, or last used before
 *   IAM began tracking in October 2014);
 * - `not_supported`: the field does not apply, as for the root account's password fields.
 * Each means "no use recorded" here; none of them is ever read as recent activity.
 */
export function reportDate(value: string): Date | null {
  if (value === 'N/A' || value === 'no_information' || value === 'not_supported' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function daysBetween(earlier: Date, later: Date): number {
  return Math.floor((later.getTime() - earlier.getTime()) / DAY_MS);
}

const SOURCE_LABEL: Record<ActivitySource, string> = {
  password: 'password',
  access_key_1: 'access key 1',
  access_key_2: 'access key 2',
  user_creation_time: 'creation',
};

/**
 * Judges a user from the report alone: active, grace or inactive. Tags, exemptions and open cases
 * come after, and only for the users this marks inactive, so that per-user calls stay few.
 */
export function judgeActivity(row: CredentialReportRow, thresholdDays: number, now: Date): UserVerdict {
  const created = reportDate(row.user_creation_time);
  if (!created) throw new Error(`Credential report row for ${row.user} has no valid user_creation_time`);
  const base = {
    userName: row.user,
    arn: row.arn,
    path: pathOfArn(row.arn),
    createDate: created.toISOString(),
  };
  const thresholdMs = thresholdDays * DAY_MS;

  const uses: [ActivitySource, Date | null][] = [
    ['password', reportDate(row.password_last_used)],
    ['access_key_1', reportDate(row.access_key_1_last_used_date)],
    ['access_key_2', reportDate(row.access_key_2_last_used_date)],
  ];
  const latestUse = uses
    .filter((use): use is [ActivitySource, Date] => use[1] !== null)
    .sort((a, b) => b[1].getTime() - a[1].getTime())[0];

  const ageDays = daysBetween(created, now);
  if (now.getTime() - created.getTime() < thresholdMs) {
    return {
      ...base,
      lastActivity: latestUse ? latestUse[1].toISOString() : null,
      lastActivitySource: latestUse ? latestUse[0] : 'user_creation_time',
      idleDays: latestUse ? daysBetween(latestUse[1], now) : ageDays,
      verdict: 'grace',
      reason: `created ${daysAgo(ageDays)}, within the ${thresholdDays}-day grace period`,
    };
  }

  if (latestUse) {
    const [source, date] = latestUse;
    const idleDays = daysBetween(date, now);
    const recent = now.getTime() - date.getTime() < thresholdMs;
    return {
      ...base,
      lastActivity: date.toISOString(),
      lastActivitySource: source,
      idleDays,
      verdict: recent ? 'active' : 'inactive',
      reason: recent
        ? `${SOURCE_LABEL[source]} used ${daysAgo(idleDays)}`
        : `${SOURCE_LABEL[source]} last used ${daysAgo(idleDays)} (threshold ${thresholdDays})` +
          unusedCredentials(row),
    };
  }

  // A credential issued within the threshold and not used yet belongs to someone being onboarded,
  // not to someone who left: judge it like a new user.
  const issued = newestIssuedCredential(row);
  if (issued && now.getTime() - issued.date.getTime() < thresholdMs) {
    return {
      ...base,
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays: ageDays,
      verdict: 'grace',
      reason: `${issued.label} issued ${daysAgo(daysBetween(issued.date, now))} and not used yet`,
    };
  }

  const hasCredentials =
    row.password_enabled === 'true' ||
    row.access_key_1_active === 'true' ||
    row.access_key_2_active === 'true';
  return {
    ...base,
    lastActivity: null,
    lastActivitySource: 'user_creation_time',
    idleDays: ageDays,
    verdict: 'inactive',
    reason: hasCredentials
      ? `no use recorded${unusedCredentials(row)}; created ${daysAgo(ageDays)}`
      : `no password or access key in the credential report; created ${daysAgo(ageDays)}`,
  };
}

function unusedCredentials(row: CredentialReportRow): string {
  const never: string[] = [];
  if (row.password_enabled === 'true' && reportDate(row.password_last_used) === null) never.push('password');
  if (row.access_key_1_active === 'true' && reportDate(row.access_key_1_last_used_date) === null)
    never.push('access key 1');
  if (row.access_key_2_active === 'true' && reportDate(row.access_key_2_last_used_date) === null)
    never.push('access key 2');
  return never.length === 0 ? '' : `; ${never.join(' and ')} active but never used`;
}

function newestIssuedCredential(row: CredentialReportRow): { label: string; date: Date } | undefined {
  const issued: { label: string; date: Date | null }[] = [
    {
      label: 'password',
      date: row.password_enabled === 'true' ? reportDate(row.password_last_changed) : null,
    },
    {
      label: 'access key 1',
      date: row.access_key_1_active === 'true' ? reportDate(row.access_key_1_last_rotated) : null,
    },
    {
      label: 'access key 2',
      date: row.access_key_2_active === 'true' ? reportDate(row.access_key_2_last_rotated) : null,
    },
  ];
  return issued
    .filter((entry): entry is { label: string; date: Date } => entry.date !== null)
    .sort((a, b) => b.date.getTime() - a.date.getTime())[0];
}

/** Name and path exemptions need no IAM call: they are settled before any tag is read. */
export function exemptionByNameOrPath(verdict: UserVerdict, policy: VerdictPolicy): string | undefined {
  const exemption = exemptionOf(verdict.userName, verdict.path, policy);
  if (!exemption) return undefined;
  return exemption.by === 'name'
    ? 'exempt: user name is listed in exemptUserNames'
    : `exempt: path ${verdict.path} is under exemptPathPrefixes ${exemption.prefix}`;
}

export type TagJudgement =
  | { readonly verdict: 'exempt' | 'snoozed' | 'disabled'; readonly reason: string }
  | { readonly verdict: undefined; readonly warning?: string };

/**
 * The protected tag exempts; a disabled-at tag marks a user decided already only where the markers'
 * reading proved it (a recorded Disable wrote it and nothing lets the user in: a tag alone decides
 * nothing); a keep-until date in the future snoozes; a past or unreadable one does not.
 */
export function judgeTags(
  tags: Record<string, string>,
  policy: VerdictPolicy,
  now: Date,
  markers: MarkerReading = NO_MARKERS,
): TagJudgement {
  const protectedKey = tagKeyOf(tags, policy.protectedTagKey);
  // iam-janitor never writes the protected tag: whoever wrote it, it protects, and is shown so.
  if (protectedKey !== undefined)
    return { verdict: 'exempt', reason: `protected: tagged ${protectedKey} (set by hand)` };
  if (markers.disabled) {
    const { since, origin } = markers.disabled;
    return {
      verdict: 'disabled',
      reason: `disabled by iam-janitor since ${since.slice(0, 10) || 'an unknown date'} (tag ${DISABLED_AT_TAG_KEY}, decided in case ${origin.caseId} by ${origin.decidedBy}); no credential lets it in`,
    };
  }
  return judgeKeep(tags, policy.keepUntilTagKey, policy, now, markers);
}

/**
 * A keep-until (the user's, or a credential's `<keepUntilTagKey>:<id>`): a date in the future
 * snoozes, where a Keep decision wrote it or, set by hand, for maxKeepDays from its first sighting
 * (the markers' reading says which, and has already warned of a lapsed one); a past or unreadable
 * date does not.
 */
export function judgeKeep(
  tags: Record<string, string>,
  key: string,
  policy: VerdictPolicy,
  now: Date,
  markers: MarkerReading = NO_MARKERS,
): TagJudgement {
  const stored = tagKeyOf(tags, key);
  if (stored === undefined) return { verdict: undefined };
  const keepUntil = tags[stored] ?? '';
  const until = parseKeepUntil(keepUntil);
  if (!until) {
    return {
      verdict: undefined,
      warning: `tag ${stored}="${keepUntil}" is not a date (YYYY-MM-DD); ignored`,
    };
  }
  if (until.getTime() <= now.getTime()) {
    return {
      verdict: undefined,
      warning: `tag ${stored}="${keepUntil}" has passed; the user is judged again`,
    };
  }
  const seen = markers.exemptions?.find((entry) => entry.tag === stored && entry.value === keepUntil);
  if (!keepCounts(seen, policy.maxKeepDays, now)) return { verdict: undefined };
  const origin = seen ? `, ${exemptionText(seen, policy.maxKeepDays)}` : '';
  return { verdict: 'snoozed', reason: `kept until ${keepUntil} (tag ${stored}${origin})` };
}

/** Active root access keys and a root without MFA are warned about; root is never a candidate. */
export function rootWarnings(row: CredentialReportRow): string[] {
  const warnings: string[] = [];
  if (row.access_key_1_active === 'true')
    warnings.push('root access key 1 is active: delete it, root needs no keys');
  if (row.access_key_2_active === 'true')
    warnings.push('root access key 2 is active: delete it, root needs no keys');
  if (row.mfa_active !== 'true') warnings.push('root has no MFA device: enable MFA on the root user');
  return warnings;
}
