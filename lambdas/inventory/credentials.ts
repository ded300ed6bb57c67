import type { CredentialRef } from '../commons/contracts/candidate';
import type { CredentialReportRow } from './credential-report';
import { reportDate } from './verdict';
import { daysAgo } from '../commons/runtime/text';
import { DAY_MS } from '../commons/runtime/time';

/**
 * CIS AWS Foundations v3.0.0 1.12, v5.0.0 1.11 (Security Hub IAM.22, AWS Config's iam-user-unused-credentials-check) judges each
 * credential, not each user: an active user's access key unused for 45 days fails the control.
 * These verdicts come from the credential report alone, with no call per user.
 */

export const CREDENTIAL_VERDICTS = ['active', 'grace', 'stale'] as const;
export type CredentialVerdictName = (typeof CREDENTIAL_VERDICTS)[number];

export interface CredentialVerdict {
  readonly ref: CredentialRef;
  /** `password`, `access-key-1` or `access-key-2`: the report's own names for them. */
  readonly id: string;
  readonly status: 'Active';
  readonly lastUsed: string | null;
  /** Whole days since the last use, or since the credential was issued when it was never used. */
  readonly idleDays: number;
  readonly verdict: CredentialVerdictName;
  readonly reason: string;
}

/** The execution name's stem for a case: the user id, and for a credential case the credential. */
export function subjectIdOf(userId: string, ref?: CredentialRef): string {
  if (!ref) return userId;
  return ref.kind === 'password' ? `${userId}-password` : `${userId}-key${ref.slot}`;
}

/** How a person reads the credential: `console password`, `access key 2`. */
export function credentialLabel(ref: CredentialRef): string {
  return ref.kind === 'password' ? 'console password' : `access key ${ref.slot}`;
}

/**
 * Every active credential of the row, each judged on its own: used within the threshold (active),
 * never used and issued within it (grace: someone is being onboarded), or else stale. Inactive keys
 * and absent passwords are no finding: they cannot be used.
 */
export function judgeCredentials(
  row: CredentialReportRow,
  thresholdDays: number,
  now: Date,
): CredentialVerdict[] {
  const created = reportDate(row.user_creation_time);
  const credentials: { ref: CredentialRef; id: string; lastUsed: string; issued: string }[] = [];
  if (row.password_enabled === 'true') {
    credentials.push({
      ref: { kind: 'password', issuedAt: isoOf(reportDate(row.password_last_changed) ?? created) },
      id: 'password',
      lastUsed: row.password_last_used,
      issued: row.password_last_changed,
    });
  }
  for (const slot of [1, 2] as const) {
    if (row[`access_key_${slot}_active`] !== 'true') continue;
    credentials.push({
      ref: { kind: 'access-key', slot, issuedAt: isoOf(reportDate(row[`access_key_${slot}_last_rotated`])) },
      id: `access-key-${slot}`,
      lastUsed: row[`access_key_${slot}_last_used_date`],
      issued: row[`access_key_${slot}_last_rotated`],
    });
  }
  return credentials.map((credential) =>
    judgeOne(credential, reportDate(credential.issued) ?? created, thresholdDays, now),
  );
}

function judgeOne(
  credential: { ref: CredentialRef; id: string; lastUsed: string },
  issued: Date | null,
  thresholdDays: number,
  now: Date,
): CredentialVerdict {
  const base = { ref: credential.ref, id: credential.id, status: 'Active' as const };
  const label = credentialLabel(credential.ref);
  const used = reportDate(credential.lastUsed);
  const days = (date: Date) => Math.floor((now.getTime() - date.getTime()) / DAY_MS);
  if (used) {
    const idleDays = days(used);
    const recent = now.getTime() - used.getTime() < thresholdDays * DAY_MS;
    return {
      ...base,
      lastUsed: used.toISOString(),
      idleDays,
      verdict: recent ? 'active' : 'stale',
      reason: recent
        ? `${label} used ${daysAgo(idleDays)}`
        : `${label} last used ${daysAgo(idleDays)} (threshold ${thresholdDays})`,
    };
  }
  // Never used: judged from its own issue (creation or rotation) date, never from the user's.
  const age = issued ? days(issued) : Number.POSITIVE_INFINITY;
  if (age < thresholdDays) {
    return {
      ...base,
      lastUsed: null,
      idleDays: age,
      verdict: 'grace',
      reason: `${label} issued ${daysAgo(age)} and not used yet`,
    };
  }
  return {
    ...base,
    lastUsed: null,
    idleDays: Number.isFinite(age) ? age : 0,
    verdict: 'stale',
    reason: issued
      ? `${label} never used, issued ${daysAgo(age)} (threshold ${thresholdDays})`
      : `${label} never used, and the report gives no issue date`,
  };
}

function isoOf(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
