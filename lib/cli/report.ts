import { count } from '../../lambdas/commons/runtime/text';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  documentClient,
  iamClient,
  iamClientFor,
  organizationsClient,
} from '../../lambdas/commons/runtime/clients';
import { memberTarget } from '../../lambdas/commons/runtime/member-role';
import { mapWithConcurrency } from '../../lambdas/commons/runtime/concurrency';
import { configForAccount, type JanitorConfig } from '../../lambdas/commons/config/config';
import { accountAliasOf } from '../../lambdas/commons/iam/account-alias';
import { listMemberAccounts } from '../../lambdas/list-accounts/accounts';
import { explainAwsError } from './aws-errors';
import {
  credentialFindings,
  openCaseUsers,
  runInventory,
  type CredentialFinding,
  type InventoryDeps,
  type InventoryResult,
  type UserFinding,
} from '../../lambdas/inventory/inventory';
import { accessKeyIds } from '../../lambdas/inventory/key-ids';
import { CaseHistory } from '../../lambdas/commons/case/history';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { exemptionLine } from '../../lambdas/commons/case/exemption-record';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { rememberedInDryRun } from '../../lambdas/inventory/dry-run-memory';
import { loadConfig } from './config-file';
import { alignColumns, verdictLabel } from './table';
import type { CommandIo } from './io';

export interface ReportFlags {
  readonly 'threshold-days'?: unknown;
  readonly json?: unknown;
  readonly organization?: unknown;
  /** The case table, to prove marker tags by the decisions that wrote them (or CASE_TABLE_NAME). */
  readonly table?: unknown;
}

/**
 * What the report reads of the case table, when it is given one, as the sweep reads it (the
 * inventory handler): the open cases, which hold their users; the guard's acknowledgement; the cases
 * of marked users (to prove markers and keep-until tags); the first sightings of exemptions. Read only.
 */
async function tableReads(
  flags: ReportFlags,
  config: JanitorConfig,
  now: Date,
  accountId?: string,
): Promise<Partial<InventoryDeps> | undefined> {
  const table = typeof flags.table === 'string' ? flags.table : process.env.CASE_TABLE_NAME;
  if (!table) return undefined;
  const history = new CaseHistory(documentClient(), table);
  const sweeps = new SweepStore(documentClient(), table);
  const [open, acknowledgement] = await Promise.all([
    new CaseStore(documentClient(), table).openCases(),
    sweeps.guardAcknowledgement(accountId === undefined ? undefined : { accountId }),
  ]).catch((error: unknown) => {
    throw new Error(explainAwsError(error), { cause: error });
  });
  return {
    ...openCaseUsers(open.filter((entry) => entry.accountId === accountId)),
    acknowledgement,
    ...(config.dryRun
      ? { rememberedDecisions: (found) => rememberedInDryRun(sweeps, found, accountId, now) }
      : {}),
    userCases: (userIds) => history.casesOfUsers(userIds, accountId),
    exemptions: (sightings) => sweeps.exemptionsSeen(sightings, now),
  };
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
  if (flags.organization) return runOrganizationReport(config, overrides, flags, io, now);
  const account = await accountReport(iamClient(), config, now, io, await tableReads(flags, config, now));
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        account.users.map((user) => publicShape(user, account.idOf)),
        null,
        2,
      ),
    );
    return 0;
  }
  io.stdout(table(account.users, account.idOf));
  io.stdout('');
  io.stdout(account.summary);
  for (const warning of account.result.rootWarnings) io.stdout(`root: ${warning}`);
  printExemptions(account.result, config.maxKeepDays, io);
  return 0;
}

/** Each exemption that holds a user out of review, with its origin (decided in a case, or set by hand). */
function printExemptions(result: InventoryResult, maxKeepDays: number, io: CommandIo): void {
  if (result.exemptions.length === 0) return;
  io.stdout('');
  io.stdout(`Exemptions (${result.exemptions.length}):`);
  for (const seen of result.exemptions) io.stdout(`  ${exemptionLine(seen, maxKeepDays)}`);
}

interface AccountReport {
  readonly result: InventoryResult;
  readonly users: UserFinding[];
  readonly idOf: IdOf;
  readonly summary: string;
}

/** One account's report: the inventory, the key ids of its stale keys, and a line that sums it up. */
async function accountReport(
  iam: IAMClient,
  config: JanitorConfig,
  now: Date,
  io: CommandIo,
  reads?: Partial<InventoryDeps>,
): Promise<AccountReport> {
  let result;
  try {
    result = await runInventory({
      iam,
      policy: config,
      now,
      report: { maxWaitMs: 60_000 },
      ...reads,
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
    iam,
    users
      .map((user) => ({ userName: user.userName, credentials: credentialFindings(user) }))
      .filter((user) => user.credentials.some((credential) => credential.ref.kind === 'access-key')),
  );
  const idOf = (user: UserFinding, credential: CredentialFinding) =>
    credential.ref.kind === 'access-key'
      ? (keyIds.get(user.userName)?.get(credential.ref.slot) ?? credential.id)
      : credential.id;
  const found = result.candidates.length + result.backlog.length;
  const stale = users.reduce(
    (sum, user) => sum + credentialFindings(user).filter((c) => c.verdict === 'stale').length,
    0,
  );
  const summary =
    `${count(result.usersScanned, 'user')}, ${count(found, 'candidate')} at ${config.thresholdDays} days (${count(stale, 'stale credential')} of active users)` +
    (result.halted
      ? `; a sweep would HALT: ${result.haltReason}`
      : `; a sweep would open ${count(result.candidates.length, 'case')} and leave ${result.backlog.length} for later`);
  return { result, users, idOf, summary };
}

/**
 * `report --organization`: every member account the organization sweep would inventory, each read
 * through its reader role (which must trust the caller: reportPrincipalArns), a few at a time. An
 * account that cannot be read is named with the reason, and the command then exits 1.
 */
async function runOrganizationReport(
  config: JanitorConfig,
  overrides: Partial<JanitorConfig>,
  flags: ReportFlags,
  io: CommandIo,
  now: Date,
): Promise<number> {
  const json = Boolean(flags.json);
  const listing = await organizationAccounts(config);
  let done = 0;
  io.progress?.(0, listing.accounts.length, 'accounts');
  const reports = await mapWithConcurrency(listing.accounts, REPORT_ACCOUNTS_AT_ONCE, async (account) => {
    try {
      const iam = iamClientFor(memberTarget(account.accountId, 'reader', config));
      const accountAlias = await accountAliasOf(iam, account.name);
      const accountConfig = { ...configForAccount(config, account.accountId), ...overrides };
      const reads = await tableReads(flags, accountConfig, now, account.accountId);
      const report = await accountReport(iam, accountConfig, now, io, reads);
      return { ...account, accountAlias, report };
    } catch (error) {
      return { ...account, error: explainAwsError(error) };
    } finally {
      io.progress?.(++done, listing.accounts.length, 'accounts');
    }
  });
  const failed = reports.filter((entry) => 'error' in entry);
  if (json) {
    io.stdout(
      JSON.stringify(
        reports.map((entry) =>
          'report' in entry
            ? {
                accountId: entry.accountId,
                accountAlias: entry.accountAlias,
                users: entry.report.users.map((user) => publicShape(user, entry.report.idOf)),
              }
            : { accountId: entry.accountId, name: entry.name, error: entry.error },
        ),
        null,
        2,
      ),
    );
  } else {
    for (const entry of reports) {
      if (!('report' in entry)) continue;
      io.stdout(`── ${entry.accountAlias} (${entry.accountId}): ${entry.report.summary}`);
      io.stdout(table(entry.report.users, entry.report.idOf));
      printExemptions(entry.report.result, config.maxKeepDays, io);
      io.stdout('');
    }
    const users = reports.reduce(
      (sum, entry) => sum + ('report' in entry ? entry.report.result.usersScanned : 0),
      0,
    );
    io.stdout(
      `${reports.length - failed.length} of ${reports.length} accounts read, ${users} users` +
        (listing.excluded.length > 0 ? `; ${listing.excluded.length} excluded` : '') +
        (listing.inactive.length > 0 ? `; ${listing.inactive.length} not active` : ''),
    );
  }
  for (const entry of failed)
    if ('error' in entry)
      io.stderr(`account ${entry.accountId} (${entry.name}) could not be read: ${entry.error}`);
  return failed.length > 0 ? 1 : 0;
}

/** The organization's member accounts as the sweep lists them, or what to do when they cannot be listed. */
export async function organizationAccounts(config: JanitorConfig) {
  try {
    return await listMemberAccounts(organizationsClient(), config);
  } catch (error) {
    throw new Error(
      `Cannot list the organization's accounts (run this with the management or delegated-admin credentials): ${explainAwsError(error)}`,
      { cause: error },
    );
  }
}

/** Accounts read at once: each inventory already runs its own IAM calls in parallel. */
const REPORT_ACCOUNTS_AT_ONCE = 4;

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
        verdictLabel(credential.verdict),
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
    verdictLabel(user.verdict),
    String(user.idleDays),
    user.lastActivity
      ? `${user.lastActivity.slice(0, 10)} (${user.lastActivitySource.replace(/_/g, ' ')})`
      : 'none recorded',
    user.reason,
  ];
}
