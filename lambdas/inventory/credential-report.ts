import { setTimeout as wait } from 'node:timers/promises';
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import * as v from 'valibot';
import { CredentialReportTimeoutError, errorName } from '../commons/runtime/errors';
import { clip } from '../commons/runtime/text';

/** One row of the IAM credential report, as documented in the IAM User Guide. */
export const credentialReportRowSchema = v.object({
  user: v.string(),
  arn: v.string(),
  user_creation_time: v.string(),
  password_enabled: v.string(),
  password_last_used: v.string(),
  password_last_changed: v.string(),
  mfa_active: v.string(),
  access_key_1_active: v.string(),
  access_key_1_last_rotated: v.string(),
  access_key_1_last_used_date: v.string(),
  access_key_2_active: v.string(),
  access_key_2_last_rotated: v.string(),
  access_key_2_last_used_date: v.string(),
});
export type CredentialReportRow = v.InferOutput<typeof credentialReportRowSchema>;

export interface FetchReportOptions {
  /** How long to keep asking before giving up. @default 120_000 */
  readonly maxWaitMs?: number;
  /** Pause between polls while the report is being generated. @default 2_000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_REPORT_ERRORS = new Set([
  'ReportInProgress',
  'ReportNotPresent',
  'ReportExpired',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'CredentialReportNotReadyException',
]);

/**
 * Generates the credential report and reads it: one report describes every user, so the inventory
 * never needs per-user calls for the whole account. GenerateCredentialReport answers STARTED until the
 * report is COMPLETE (and COMPLETE at once while a report under 4 hours old exists).
 */
export async function fetchCredentialReport(
  iam: IAMClient,
  options: FetchReportOptions = {},
): Promise<string> {
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const sleep = options.sleep ?? wait;
  let waitedMs = 0;
  for (;;) {
    let lastState: string;
    const generated = await iam.send(new GenerateCredentialReportCommand({}));
    lastState = generated.State ?? 'unknown';
    if (lastState === 'COMPLETE') {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}));
        if (!report.Content) throw new Error('GetCredentialReport returned no content');
        return Buffer.from(report.Content).toString('utf8');
      } catch (error) {
        // The report can expire or be replaced between the two calls: generate it again.
        if (!RETRYABLE_REPORT_ERRORS.has(errorName(error))) throw error;
        lastState = errorName(error);
      }
    }
    if (waitedMs >= maxWaitMs) {
      throw new CredentialReportTimeoutError(
        `The IAM credential report was not ready after ${Math.round(maxWaitMs / 1000)} s (last state: ${lastState}). ` +
          'IAM generates it asynchronously; run the sweep again in a few minutes.',
      );
    }
    await sleep(pollIntervalMs);
    waitedMs += pollIntervalMs;
  }
}

/** The columns iam-janitor reads; a report without one of them cannot be judged at all. */
const REQUIRED_COLUMNS = Object.keys(credentialReportRowSchema.entries);
const BOOLEAN_COLUMNS = [
  'password_enabled',
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
] as const;
const DATE_COLUMNS = [
  'user_creation_time',
  'password_last_used',
  'password_last_changed',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
] as const;
const SPECIAL_VALUES = new Set(['N/A', 'no_information', 'not_supported', '']);

export class CredentialReportFormatError extends Error {
  override name = 'CredentialReportFormatError';
}

/** A row that could not be read: it is left out of the sweep, so its user is never a candidate. */
export interface SkippedRow {
  /** The line of the CSV, counting the header as line 1. */
  readonly line: number;
  readonly userName?: string;
  readonly reason: string;
}

export interface ParsedReport {
  readonly rows: CredentialReportRow[];
  readonly skipped: SkippedRow[];
}

/**
 * Parses the report with a real CSV parser: user names may hold commas (`+=,.@_-` are all legal).
 * A report that lacks a column iam-janitor reads (the 2015 layout has no `*_last_used_*`) fails
 * with the column's name. A single row that cannot be read is skipped and named, never guessed
 * at: a garbled date read as "no use recorded" would make an active user a candidate.
 */
export function parseCredentialReport(csv: string): ParsedReport {
  const header = (parse(csv, { to_line: 1, trim: true }) as string[][])[0] ?? [];
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CredentialReportFormatError(
      `The credential report has no column ${missing.join(', ')}: it is not in the layout IAM writes today ` +
        '(the 2015 layout had no *_last_used_* columns). Generate a fresh report with GenerateCredentialReport.',
    );
  }
  const records: { record: Record<string, string | undefined>; info: { lines: number } }[] = parse(csv, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    info: true,
  });
  const rows: CredentialReportRow[] = [];
  const skipped: SkippedRow[] = [];
  for (const { record, info } of records) {
    const problem = rowProblem(record);
    if (problem) {
      skipped.push({ line: info.lines, ...(record.user ? { userName: record.user } : {}), reason: problem });
      continue;
    }
    const row = v.parse(credentialReportRowSchema, record);
    // IAM writes "true"/"false"; read any case, so that "TRUE" is never taken for false.
    for (const column of BOOLEAN_COLUMNS) row[column] = row[column].toLowerCase();
    rows.push(row);
  }
  return { rows, skipped };
}

function rowProblem(record: Record<string, string | undefined>): string | undefined {
  const absent = REQUIRED_COLUMNS.filter((column) => record[column] === undefined);
  if (absent.length > 0) return `it has no value for ${absent.join(', ')}`;
  if (!record.user) return 'it has no user name';
  for (const column of DATE_COLUMNS) {
    const value = record[column]!;
    if (SPECIAL_VALUES.has(value) && column !== 'user_creation_time') continue;
    if (Number.isNaN(Date.parse(value))) return `${column} is "${clip(value, 40)}", not a date`;
  }
  for (const column of BOOLEAN_COLUMNS) {
    const value = record[column]!.toLowerCase();
    if (value !== 'true' && value !== 'false' && value !== 'not_supported')
      return `${column} is "${clip(record[column]!, 40)}", not true or false`;
  }
  return undefined;
}
