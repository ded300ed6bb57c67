import { iamClient } from '../../lambdas/commons/clients';
import { errorName } from '../../lambdas/commons/errors';
import { runInventory, type UserFinding } from '../../lambdas/inventory/inventory';
import { loadConfig } from './config-file';
import { alignColumns } from './table';
import type { CommandIo } from './io';

export interface ReportFlags {
  readonly 'threshold-days'?: unknown;
  readonly json?: unknown;
}

/** `iam-janitor report`: the inventory Lambda's judgement, read-only, for every user of the account. */
export async function runReport(flags: ReportFlags, io: CommandIo, now = new Date()): Promise<number> {
  const overrides: { thresholdDays?: number } = {};
  if (flags['threshold-days'] !== undefined) {
    const days = Number(flags['threshold-days']);
    if (!Number.isInteger(days) || days < 1) {
      io.stderr(
        `--threshold-days must be a whole number of days above 0 (got "${String(flags['threshold-days'])}")`,
      );
      return 2;
    }
    overrides.thresholdDays = days;
  }
  const config = loadConfig(overrides);
  let result;
  try {
    result = await runInventory({
      iam: iamClient(),
      policy: config,
      now,
      report: { maxWaitMs: 60_000 },
      warn: (message, details) => io.stderr(`warning: ${String(details.userName)}: ${message}`),
    });
  } catch (error) {
    throw new Error(explainAwsError(error), { cause: error });
  }
  const users = [...result.users].sort(
    (a, b) => b.idleDays - a.idleDays || a.userName.localeCompare(b.userName),
  );
  if (flags.json) {
    io.stdout(JSON.stringify(users.map(publicShape), null, 2));
    return 0;
  }
  io.stdout(table(users));
  io.stdout('');
  io.stdout(
    `${result.usersScanned} users, ${result.candidates.length} candidates at ${config.thresholdDays} days` +
      (result.halted ? `; a sweep would HALT: ${result.haltReason}` : ''),
  );
  for (const warning of result.rootWarnings) io.stdout(`root: ${warning}`);
  return 0;
}

function publicShape(user: UserFinding) {
  return {
    userName: user.userName,
    arn: user.arn,
    createDate: user.createDate,
    lastActivity: user.lastActivity,
    lastActivitySource: user.lastActivitySource,
    idleDays: user.idleDays,
    verdict: user.verdict,
    reason: user.reason,
  };
}

function table(users: UserFinding[]): string {
  const rows = [
    ['USER', 'VERDICT', 'IDLE DAYS', 'LAST ACTIVITY', 'REASON'],
    ...users.map((user) => [
      user.userName,
      user.verdict,
      String(user.idleDays),
      user.lastActivity
        ? `${user.lastActivity.slice(0, 10)} (${user.lastActivitySource.replace(/_/g, ' ')})`
        : 'none recorded',
      user.reason,
    ]),
  ];
  return alignColumns(rows).join('\n');
}

/** Turns the SDK's errors into what to do next; never a stack trace for a missing login. */
export function explainAwsError(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found. Set AWS_PROFILE (and run `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.';
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return `AWS refused the call: ${message}. The report needs iam:GenerateCredentialReport, iam:GetCredentialReport, iam:GetUser and iam:GetAccountAuthorizationDetails.`;
  }
  if (name === 'InvalidClientTokenId' || name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return `Your AWS credentials were rejected (${name}): refresh them and try again.`;
  }
  if (name === 'Throttling' || name === 'ThrottlingException') {
    return 'IAM kept throttling after every retry: another tool is using the account-wide IAM quota. Try again in a few minutes.';
  }
  return `${name}: ${message}`;
}
