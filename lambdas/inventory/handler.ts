import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import type { GuardScope } from '../commons/case/record';
import { exemptionLine } from '../commons/case/exemption-record';
import { caseHistory, caseStore, sweepStore } from '../commons/case/stores';
import { iamClient, iamClientFor } from '../commons/runtime/clients';
import { memberTarget } from '../commons/runtime/member-role';
import { configForAccount } from '../commons/config/config';
import { caseRefOf, type CaseRef, type Candidate, type Verdict } from '../commons/contracts/candidate';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import type { IAMClient } from '@aws-sdk/client-iam';
import { accountAliasOf } from '../commons/iam/account-alias';
import { inAccount, type AccountRef } from '../commons/iam/member-account';
import { metrics, MetricName } from '../commons/runtime/observability';
import type { AccountSweepOutput } from '../commons/case/sweep-results';
import { organizationSweepStore } from '../commons/case/organization-sweep-store';
import { rememberedInDryRun } from './dry-run-memory';
import { openCaseUsers, runInventory, type InventoryDeps, type InventoryResult } from './inventory';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({
  sweepId: nonEmpty(),
  startedAt: nonEmpty(),
  /** Organization mode: the member account this iteration of the Distributed Map inventories. */
  account: v.optional(v.object({ accountId: v.pipe(v.string(), v.regex(/^\d{12}$/)), name: v.string() })),
});

/** Organization mode: what one iteration of the Distributed Map returns; its result is in the case table. */
export interface AccountRecorded {
  readonly accountId: string;
}

/** What the sweep carries on: candidate references and counts, never the report. */
export interface SweepOutput {
  readonly sweepId: string;
  readonly runDate: string;
  readonly usersScanned: number;
  readonly verdictCounts: Partial<Record<Verdict, number>>;
  /** The cases this sweep starts, as references: each candidate waits in the case table. */
  readonly candidates: CaseRef[];
  readonly rootWarnings: string[];
  readonly halted: boolean;
  readonly haltReason?: string;
  /** When halted, a few names to start the investigation with; the full list is in the logs. */
  readonly candidatesPreview?: string[];
  /** Every candidate found: the cases started this run and the backlog. */
  readonly candidateCount: number;
  /** Candidates not opened this run (batch size maxCasesPerRun, or halted): the next sweeps take them. */
  readonly backlog: number;
  /** Stale credentials of active users found this run, opened or waiting. */
  readonly staleCredentials: number;
  /** Who acknowledged the fraction guard for this run, when it would have halted. */
  readonly acknowledgedBy?: string;
  /** Credential report rows that could not be read (at most 20 named): those users were not judged. */
  readonly skippedReportRows: { line: number; userName?: string; reason: string }[];
  /** Marker tags that counted for nothing (at most 20 named), each with why; the logs hold them all. */
  readonly markerWarnings: string[];
  /** The exemptions that held users out of review (at most 20 named), each with its origin. */
  readonly exemptions: string[];
}

/** Account mode's event gets a SweepOutput; organization mode's, with `account`, an AccountRecorded. */
interface InventoryHandler {
  (event: { sweepId: string; startedAt: string; account?: undefined }): Promise<SweepOutput>;
  (event: unknown): Promise<SweepOutput | AccountRecorded>;
}

export const handler: InventoryHandler = taskHandler(
  eventSchema,
  ({ sweepId, account }) => ({ sweepId, ...(account ? { accountId: account.accountId } : {}) }),
  async ({ sweepId, startedAt, account }, log): Promise<SweepOutput | AccountRecorded> => {
    const now = new Date(startedAt);
    if (!account) return sweepThisAccount(sweepId, now, log);
    return sweepMemberAccount(sweepId, now, account, log);
  },
) as InventoryHandler;

/** Account mode: the inventory, the guard and the batch, for the account the stack runs in. */
async function sweepThisAccount(sweepId: string, now: Date, log: Logger): Promise<SweepOutput> {
  const { result, found, staleCredentials, verdictCounts } = await inventory(
    sweepId,
    now,
    iamClient(),
    undefined,
    log,
  );
  const output = {
    sweepId,
    runDate: now.toISOString().slice(0, 10),
    usersScanned: result.usersScanned,
    verdictCounts,
    rootWarnings: result.rootWarnings,
    halted: result.halted,
    candidateCount: found.length,
    backlog: result.halted ? found.length : result.backlog.length,
    staleCredentials,
    ...(result.acknowledged ? { acknowledgedBy: result.acknowledged.acknowledgedBy } : {}),
    skippedReportRows: result.skippedRows.slice(0, 20),
    markerWarnings: result.markerWarnings
      .slice(0, 20)
      .map(({ userName, warning }) => `${userName}: ${warning}`),
    exemptions: result.exemptions
      .slice(0, 20)
      .map((seen) => exemptionLine(seen, janitorConfig().maxKeepDays)),
  };
  if (result.halted) {
    return {
      ...output,
      candidates: [],
      haltReason: result.haltReason,
      candidatesPreview: found.slice(0, 20).map((candidate) => candidate.userName),
    };
  }
  await sweepStore().stashCases(result.candidates, output.runDate, now);
  return { ...output, candidates: result.candidates.map(caseRefOf) };
}

/**
 * Organization mode: one member account, through its reader role. The account's batch is stashed
 * for the organization guard, which opens the organization's longest-idle cases first.
 */
async function sweepMemberAccount(
  sweepId: string,
  now: Date,
  account: { accountId: string; name: string },
  log: Logger,
): Promise<AccountRecorded> {
  const iam = iamClientFor(memberTarget(account.accountId, 'reader', janitorConfig()));
  const accountAlias = await accountAliasOf(iam, account.name);
  const { result, found, staleCredentials } = await inventory(
    sweepId,
    now,
    iam,
    { accountId: account.accountId, accountAlias },
    log,
  );
  const batch = result.halted ? [] : result.candidates;
  await sweepStore().stashCandidates(sweepId, account.accountId, batch, now);
  const recorded: AccountSweepOutput = {
    accountId: account.accountId,
    accountAlias,
    usersScanned: result.usersScanned,
    population: result.population,
    candidateCount: found.length,
    stashed: batch.length,
    staleCredentials,
    halted: result.halted,
    ...(result.haltReason ? { haltReason: result.haltReason } : {}),
    rootWarnings: result.rootWarnings.length,
    skippedReportRows: result.skippedRows.length,
  };
  // The result waits in the case table for the organization guard: the map's own result stays a
  // few bytes an account, whatever the organization's size.
  await organizationSweepStore().recordAccountResult(sweepId, recorded, now);
  return { accountId: account.accountId };
}

/**
 * What the inventory reads of the case table about tagged users: their cases (which decision wrote
 * a marker or a keep-until), and each exemption's first sighting, remembered here (a keep-until set
 * by hand counts maxKeepDays from it).
 */
function tableReads(
  accountId: string | undefined,
  now: Date,
): Pick<InventoryDeps, 'userCases' | 'exemptions'> {
  return {
    userCases: (userIds) => caseHistory().casesOfUsers(userIds, accountId),
    exemptions: (sightings) =>
      sweepStore().sightExemptions(
        sightings.map((sighting) => (accountId ? { ...sighting, accountId } : sighting)),
        now,
      ),
  };
}

/** The inventory of one account, its guard (with that account's acknowledgement) and its sweep record. */
async function inventory(
  sweepId: string,
  now: Date,
  iam: IAMClient,
  account: AccountRef | undefined,
  log: Logger,
): Promise<{
  result: InventoryResult;
  found: Candidate[];
  staleCredentials: number;
  verdictCounts: Partial<Record<Verdict, number>>;
}> {
  const accountId = account?.accountId;
  const scope: GuardScope = accountId === undefined ? undefined : { accountId };
  const sweeps = sweepStore();
  const [openCases, acknowledgement] = await Promise.all([
    caseStore().openCases(),
    sweeps.guardAcknowledgement(scope),
  ]);
  const policy = configForAccount(janitorConfig(), accountId);
  const raw = await runInventory({
    iam,
    policy,
    now,
    ...(policy.dryRun
      ? { rememberedDecisions: (found) => rememberedInDryRun(sweeps, found, accountId, now) }
      : {}),
    ...openCaseUsers(openCases.filter((open) => open.accountId === accountId)),
    acknowledgement,
    ...tableReads(accountId, now),
    warn: (message, details) => log.warn(message, details),
  });
  const stamp = (candidates: Candidate[]) =>
    account ? candidates.map((candidate) => inAccount(candidate, account)) : candidates;
  const result = { ...raw, candidates: stamp(raw.candidates), backlog: stamp(raw.backlog) };
  // The next sweep uses an acknowledgement up, whatever it finds: one left unused would let a
  // different anomaly through days later. Used up before any case starts, so that a failure later in
  // this sweep never lets another one through.
  if (acknowledgement) {
    await sweeps.consumeAcknowledgement(acknowledgement, scope);
    if (result.acknowledged) log.warn('fraction guard acknowledged for this run', { ...result.acknowledged });
    else log.info('guard acknowledgement used up unused: this sweep did not need it', { ...acknowledgement });
  }
  const found = [...result.candidates, ...result.backlog];
  const staleCredentials = found.filter((candidate) => candidate.kind === 'credential').length;

  const verdictCounts = countVerdicts(result.users);
  publishInventoryMetrics(result, found.length);
  for (const warning of result.rootWarnings) log.warn('root account warning', { warning });

  const casesStarted = result.halted ? 0 : result.candidates.length;
  await sweeps.recordSweep(
    {
      sweepId,
      finishedAt: now.toISOString(),
      usersScanned: result.usersScanned,
      casesStarted,
      backlog: found.length - casesStarted,
      staleCredentials,
      halted: result.halted,
      ...(result.haltReason ? { haltReason: result.haltReason } : {}),
      candidateCount: found.length,
    },
    scope,
  );
  if (result.halted) {
    log.error('blast-radius guard halted the sweep', {
      haltReason: result.haltReason,
      candidates: found.map((candidate) => candidate.subjectId),
    });
  } else {
    log.info('inventory complete', {
      usersScanned: result.usersScanned,
      verdictCounts,
      casesStarted,
      backlog: result.backlog.length,
    });
  }
  return { result, found, staleCredentials, verdictCounts };
}

function countVerdicts(users: InventoryResult['users']): Partial<Record<Verdict, number>> {
  const counts: Partial<Record<Verdict, number>> = {};
  for (const user of users) counts[user.verdict] = (counts[user.verdict] ?? 0) + 1;
  return counts;
}

function publishInventoryMetrics(result: InventoryResult, candidates: number): void {
  metrics.addMetric(MetricName.UsersScanned, MetricUnit.Count, result.usersScanned);
  metrics.addMetric(MetricName.Candidates, MetricUnit.Count, candidates);
  metrics.addMetric(MetricName.RootWarnings, MetricUnit.Count, result.rootWarnings.length);
  metrics.addMetric(MetricName.GuardHalts, MetricUnit.Count, result.halted ? 1 : 0);
  metrics.publishStoredMetrics();
}
