import { iamClient } from '../../lambdas/commons/clients';
import { errorName } from '../../lambdas/commons/errors';
import {
  credentialFindings,
  runInventory,
  type CredentialFinding,
  type UserFinding,
} from '../../lambdas/inventory/inventory';
import { accessKeyIds } from '../../lambdas/inventory/key-ids';
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
  // Which key: the report names slots, an auditor wants ids. One ListAccessKeys per user with a finding.
  const keyIds = await accessKeyIds(
    iamClient(),
    users
      .map((user) => ({ userName: user.userName, credentials: credentialFindings(user) }))
      .filter((user) => user.credentials.some((credential) => credential.ref.kind === 'access-key')),
  );
  const idOf = (user: UserFinding, credential: CredentialFinding) =>
    credential.ref.kind === 'access-key'
      ? (keyIds.get(user.userName)?.get(credential.ref.slot) ?? credential.id)
      : credential.id;
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        users.map((user) => publicShape(user, idOf)),
        null,
        2,
      ),
    );
    return 0;
  }
  io.stdout(table(users, idOf));
  io.stdout('');
  const found = result.candidates.length + result.backlog.length;
  const stale = users.reduce(
    (count, user) => count + credentialFindings(user).filter((c) => c.verdict === 'stale').length,
    0,
  );
  io.stdout(
    `${result.usersScanned} users, ${found} candidates at ${config.thresholdDays} days (${stale} stale credentials of active users)` +
      (result.halted
        ? `; a sweep would HALT: ${result.haltReason}`
        : `; a sweep would open ${result.candidates.length} cases and leave ${result.backlog.length} for later`),
  );
  for (const warning of result.rootWarnings) io.stdout(`root: ${warning}`);
  return 0;
}

type IdOf = (user: UserFinding, credential: CredentialFinding) => string;

function publicShape(user: UserFinding, idOf: IdOf) {
  return {
    userName: user.userName,
    arn: user.arn,
    createDate: user.createDate,
    lastActivity: user.lastActivity,
    lastActivitySource: user.lastActivitySource,
    idleDays: user.idleDays,
    verdict: user.verdict,
    reason: user.reason,
    ...(user.credentials
      ? {
          credentials: user.credentials.map((credential) => ({
            kind: credential.ref.kind,
            id: idOf(user, credential),
            status: credential.status,
            lastUsed: credential.lastUsed,
            verdict: credential.verdict,
            reason: credential.reason,
          })),
        }
      : {}),
  };
}

function table(users: UserFinding[], idOf: IdOf): string {
  const rows = [
    ['USER', 'VERDICT', 'IDLE DAYS', 'LAST ACTIVITY', 'REASON'],
    ...users.flatMap((user) => [
      userRow(user),
      ...credentialFindings(user).map((credential) => [
        `  └ ${idOf(user, credential)}`,
        credential.verdict,
        String(credential.idleDays),
        credential.lastUsed ? credential.lastUsed.slice(0, 10) : 'never used',
        credential.reason,
      ]),
    ]),
  ];
  return alignColumns(rows).join('\n');
}

function userRow(user: UserFinding): string[] {
  return [
    user.userName,
    user.verdict,
    String(user.idleDays),
    user.lastActivity
      ? `${user.lastActivity.slice(0, 10)} (${user.lastActivitySource.replace(/_/g, ' ')})`
      : 'none recorded',
    user.reason,
  ];
}

/** Turns the SDK's errors into what to do next; never a stack trace for a missing login. */
export function explainAwsError(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found. Set AWS_PROFILE (and run `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.';
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return `AWS refused the call: ${message}. The report needs iam:GenerateCredentialReport, iam:GetCredentialReport, iam:GetUser, iam:GetAccountAuthorizationDetails and iam:ListAccessKeys.`;
  }
  if (name === 'InvalidClientTokenId' || name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return `Your AWS credentials were rejected (${name}): refresh them and try again.`;
  }
  if (name === 'Throttling' || name === 'ThrottlingException') {
    return 'IAM kept throttling after every retry: another tool is using the account-wide IAM quota. Try again in a few minutes.';
  }
  return `${name}: ${message}`;
}
