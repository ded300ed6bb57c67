import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { CredentialReportTimeoutError, errorName } from '../commons/errors';

/** One row of the IAM credential report, as documented in the IAM User Guide. */
export const credentialReportRowSchema = z.object({
  user: z.string(),
  arn: z.string(),
  user_creation_time: z.string(),
  password_enabled: z.string(),
  password_last_used: z.string(),
  password_last_changed: z.string(),
  mfa_active: z.string(),
  access_key_1_active: z.string(),
  access_key_1_last_rotated: z.string(),
  access_key_1_last_used_date: z.string(),
  access_key_2_active: z.string(),
  access_key_2_last_rotated: z.string(),
  access_key_2_last_used_date: z.string(),
});
export type CredentialReportRow = z.infer<typeof credentialReportRowSchema>;

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
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
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

/** Parses the report with a real CSV parser: user names may hold commas (`+=,.@_-` are all legal). */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const records: unknown[] = parse(csv, { columns: true, skip_empty_lines: true, trim: true });
  return records.map((record, index) => {
    const result = credentialReportRowSchema.safeParse(record);
    if (!result.success) {
      throw new Error(
        `Credential report row ${index + 2} is malformed: ${result.error.issues[0]?.path.join('.')} is missing`,
      );
    }
    return result.data;
  });
}
