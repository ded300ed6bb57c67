import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import { sweepStore } from '../commons/case/stores';
import type { SweepStore } from '../commons/case/sweep-store';
import { caseRefOf, type Candidate, type CaseRef } from '../commons/contracts/candidate';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { metrics, MetricName } from '../commons/runtime/observability';
import { applyGuard, batchOf, type Population } from '../commons/case/guard';
import { type AccountResult, type AccountSweepOutput } from '../commons/case/sweep-results';
import { nonEmpty } from '../commons/runtime/validate';
import { mapWithConcurrency } from '../commons/runtime/concurrency';
import {
  organizationSweepStore,
  type GuardDecision,
  type OrganizationSweepStore,
} from '../commons/case/organization-sweep-store';

const eventSchema = v.object({
  sweepId: nonEmpty(),
  startedAt: nonEmpty(),
  /** How many pages the listing took: the accounts, and then their results, are read from the case table. */
  pages: v.pipe(v.number(), v.integer(), v.minValue(0)),
  excluded: v.pipe(v.number(), v.integer()),
  inactive: v.pipe(v.number(), v.integer()),
  managementAccountId: v.nullable(v.string()),
});

/** How many failed or halted accounts the output and the sweep record name; they count them all. */
export const ACCOUNTS_NAMED = 20;

/** The organization sweep's result, read by the case starts and kept as the sweep's output. */
export interface OrganizationSweepOutput {
  readonly sweepId: string;
  readonly runDate: string;
  readonly accountsSwept: number;
  readonly accountsExcluded: number;
  readonly accountsInactive: number;
  /**
   * The management account, never swept: StackSets place no member roles there. Cover it with an
   * account-mode deployment of its own.
   */
  readonly managementAccountSkipped?: string;
  /**
   * Accounts whose inventory failed (a role that cannot be assumed, a report that never came):
   * reported, not fatal. The first ACCOUNTS_NAMED by account id; failedAccountCount counts them all.
   */
  readonly failedAccounts: { accountId: string; error: string }[];
  readonly failedAccountCount: number;
  /** Accounts their own guard halted: no case there this run, the other accounts go on. As above. */
  readonly haltedAccounts: { accountId: string; accountAlias: string; haltReason: string }[];
  readonly haltedAccountCount: number;
  readonly usersScanned: number;
  readonly candidateCount: number;
  readonly backlog: number;
  readonly staleCredentials: number;
  readonly halted: boolean;
  readonly haltReason?: string;
  readonly candidatesPreview?: string[];
  readonly acknowledgedBy?: string;
  /**
   * The organization's batch, as references (each candidate waits in the case table): its
   * longest-idle candidates first, at most maxCasesPerRun.
   */
  readonly candidates: CaseRef[];
}

/**
 * After every account is inventoried: the blast-radius guard over the organization as a whole
 * (each account's own guard already ran), then the organization's batch, longest-idle first.
 * Idempotent: its decision is saved before it uses up the acknowledgement and the stashes, and a
 * retry (a Lambda error after a run that finished) answers that decision again and finishes using
 * up what it names.
 */
export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async (event, log): Promise<OrganizationSweepOutput> => {
    const sweeps = organizationSweepStore();
    const store = sweepStore();
    await refuseOvertaken(sweeps, event.sweepId);
    const earlier = await sweeps.guardDecision<OrganizationSweepOutput>(event.sweepId);
    if (earlier) {
      log.info('the guard already decided this sweep (a retry): its output stands');
      await useUp(store, event.sweepId, earlier);
      return earlier.output;
    }
    const config = janitorConfig();
    const now = new Date(event.startedAt);
    const accounts = tally(await accountResultsOf(sweeps, event.sweepId, event.pages));
    const acknowledgement = await store.guardAcknowledgement();
    const guard = applyGuard(accounts.population, config, now, acknowledgement);
    const { batch, preview, stashing } = await batchFromStashes(
      store,
      event.sweepId,
      accounts.swept,
      guard.halted ? 0 : config.maxCasesPerRun,
    );
    await store.stashCases(batch, now.toISOString().slice(0, 10), now);
    await store.recordSweep(sweepRecordOf(event.sweepId, now, accounts, guard, batch.length));
    const decision = {
      output: outputOf(event, now, accounts, guard, batch, preview),
      ...(acknowledgement ? { acknowledgement } : {}),
      stashing,
    };
    await sweeps.saveGuardDecision(event.sweepId, decision, now);
    await useUp(store, event.sweepId, decision);
    if (!guard.halted && guard.acknowledged)
      log.warn('organization fraction guard acknowledged for this run', { ...guard.acknowledged });
    reportAccounts(log, guard, accounts.failedAccounts, accounts.haltedAccounts);
    return decision.output;
  },
);

/** A sweep's error when another sweep took the organization while this one was stopped. */
export class SweepOvertakenError extends Error {
  override name = 'SweepOvertaken';
}

/**
 * A sweep that failed, was overtaken by the next one (which found it over and took the lease) and
 * was then redriven resumes where it failed, past ListAccounts: the guard is where it learns it no
 * longer holds the organization, before it decides anything.
 */
async function refuseOvertaken(sweeps: OrganizationSweepStore, sweepId: string): Promise<void> {
  const holder = await sweeps.leaseHolder();
  if (holder !== sweepId)
    throw new SweepOvertakenError(
      `Sweep ${sweepId} no longer holds the organization (${holder ? `sweep ${holder} took it` : 'nobody holds it'}): it was redriven after another sweep began. It decides nothing and opens no case; start a new sweep rather than redrive an old one.`,
    );
}

/**
 * What a decision uses up, once it is saved: the acknowledgement it read (only that one, never a
 * newer one given meanwhile, and a no-op when a first run already consumed it) and every stash,
 * halted or not, so that none outlives its sweep. A retry runs it again, so both happen once the
 * decision exists, whatever step a first run died at.
 */
async function useUp(store: SweepStore, sweepId: string, decision: GuardDecision<unknown>): Promise<void> {
  if (decision.acknowledgement) await store.consumeAcknowledgement(decision.acknowledgement);
  await mapWithConcurrency(decision.stashing, STASH_READS_IN_FLIGHT, (accountId) =>
    store.dropStash(sweepId, accountId),
  );
}

type Tally = ReturnType<typeof tally>;
type Guard = ReturnType<typeof applyGuard>;

function sweepRecordOf(sweepId: string, now: Date, accounts: Tally, guard: Guard, started: number) {
  return {
    sweepId,
    finishedAt: now.toISOString(),
    usersScanned: accounts.usersScanned,
    casesStarted: started,
    backlog: accounts.candidateCount - started,
    staleCredentials: accounts.staleCredentials,
    halted: guard.halted,
    ...(guard.halted ? { haltReason: guard.haltReason } : {}),
    candidateCount: accounts.candidateCount,
    failedAccounts: accounts.failedAccounts.slice(0, ACCOUNTS_NAMED).map((failure) => failure.accountId),
    failedAccountCount: accounts.failedAccounts.length,
    haltedAccounts: accounts.haltedAccounts.slice(0, ACCOUNTS_NAMED).map((halt) => halt.accountId),
    haltedAccountCount: accounts.haltedAccounts.length,
  };
}

function outputOf(
  event: v.InferOutput<typeof eventSchema>,
  now: Date,
  accounts: Tally,
  guard: Guard,
  batch: readonly Candidate[],
  preview: readonly string[],
): OrganizationSweepOutput {
  return {
    sweepId: event.sweepId,
    runDate: now.toISOString().slice(0, 10),
    accountsSwept: accounts.swept.length,
    accountsExcluded: event.excluded,
    accountsInactive: event.inactive,
    ...(event.managementAccountId ? { managementAccountSkipped: event.managementAccountId } : {}),
    failedAccounts: accounts.failedAccounts.slice(0, ACCOUNTS_NAMED),
    failedAccountCount: accounts.failedAccounts.length,
    haltedAccounts: accounts.haltedAccounts.slice(0, ACCOUNTS_NAMED),
    haltedAccountCount: accounts.haltedAccounts.length,
    usersScanned: accounts.usersScanned,
    candidateCount: accounts.candidateCount,
    backlog: accounts.candidateCount - batch.length,
    staleCredentials: accounts.staleCredentials,
    halted: guard.halted,
    ...(guard.halted
      ? { haltReason: `organization: ${guard.haltReason}`, candidatesPreview: [...preview] }
      : {}),
    ...(!guard.halted && guard.acknowledged ? { acknowledgedBy: guard.acknowledged.acknowledgedBy } : {}),
    candidates: batch.map(caseRefOf),
  };
}

/** The metrics and the logs, which name every failed and halted account (the output names 20). */
function reportAccounts(
  log: Logger,
  guard: ReturnType<typeof applyGuard>,
  failedAccounts: readonly { accountId: string; error: string }[],
  haltedAccounts: readonly { accountId: string; haltReason: string }[],
): void {
  metrics.addMetric(MetricName.GuardHalts, MetricUnit.Count, guard.halted ? 1 : 0);
  metrics.addMetric(MetricName.FailedAccounts, MetricUnit.Count, failedAccounts.length);
  metrics.publishStoredMetrics();
  for (const failure of failedAccounts) log.error('account inventory failed', { ...failure });
  for (const halt of haltedAccounts) log.warn('account halted by its own guard', { ...halt });
  if (guard.halted)
    log.error('organization blast-radius guard halted the sweep', { haltReason: guard.haltReason });
}

/** DynamoDB reads in flight while the guard reads (then drops) the accounts' stashes. */
const STASH_READS_IN_FLIGHT = 25;

/** How many stashed candidates a halted sweep's output names. */
const PREVIEWED = 20;

/**
 * The organization's batch from every account's stash, STASH_READS_IN_FLIGHT stashes at a time:
 * only the best `maxCasesPerRun` so far are kept between reads, so the guard's memory is bounded by
 * the batch and not by the organization (5,000 accounts × 250 stashed candidates would be gigabytes).
 * The same batch as batchOf over every candidate at once; the first candidates, for a preview; and
 * the accounts whose stash it read, for the guard to drop.
 */
export async function batchFromStashes(
  store: Pick<SweepStore, 'stashedCandidates'>,
  sweepId: string,
  swept: readonly AccountSweepOutput[],
  maxCasesPerRun: number,
): Promise<{ batch: Candidate[]; preview: string[]; stashing: string[] }> {
  const stashing = swept.filter((result) => result.stashed > 0).map((result) => result.accountId);
  let batch: Candidate[] = [];
  const preview: string[] = [];
  for (let start = 0; start < stashing.length; start += STASH_READS_IN_FLIGHT) {
    const read = await mapWithConcurrency(
      stashing.slice(start, start + STASH_READS_IN_FLIGHT),
      STASH_READS_IN_FLIGHT,
      (accountId) => store.stashedCandidates(sweepId, accountId),
    );
    const candidates = read.flat();
    for (const candidate of candidates.slice(0, PREVIEWED - preview.length))
      preview.push(`${candidate.accountId}/${candidate.userName}`);
    batch = batchOf([...batch, ...candidates], maxCasesPerRun).batch;
  }
  return { batch, preview, stashing };
}

/**
 * Every listed account's result, page after page, in the listing's order. An account with no result
 * recorded (its iteration ended where the Catch could not see) is a failure too: the organization
 * never counts an account it did not sweep.
 */
async function accountResultsOf(
  sweeps: OrganizationSweepStore,
  sweepId: string,
  pages: number,
): Promise<AccountResult[]> {
  const results: AccountResult[] = [];
  for (let page = 0; page < pages; page++) {
    const accountIds = (await sweeps.accountPage(sweepId, page)).map((account) => account.accountId);
    const found = await sweeps.accountResults(sweepId, accountIds);
    results.push(
      ...found.map(
        (result, index) =>
          result ?? { accountId: accountIds[index]!, failed: true as const, error: 'NoResultRecorded' },
      ),
    );
  }
  return results;
}

/** The accounts' results, counted together: which failed, which their own guard halted, and the sums. */
function tally(accounts: readonly AccountResult[]) {
  const swept = accounts.filter((result): result is AccountSweepOutput => !('failed' in result));
  const failedAccounts = accounts.flatMap((result) =>
    'failed' in result ? [{ accountId: result.accountId, error: result.error }] : [],
  );
  const haltedAccounts = swept.flatMap((result) =>
    result.halted
      ? [
          {
            accountId: result.accountId,
            accountAlias: result.accountAlias,
            haltReason: result.haltReason ?? '',
          },
        ]
      : [],
  );
  const population = swept.reduce<Population>(
    (sum, { population: part }) => ({
      users: sum.users + part.users,
      userCandidates: sum.userCandidates + part.userCandidates,
      credentials: sum.credentials + part.credentials,
      credentialCandidates: sum.credentialCandidates + part.credentialCandidates,
    }),
    { users: 0, userCandidates: 0, credentials: 0, credentialCandidates: 0 },
  );
  const sum = (field: 'usersScanned' | 'candidateCount' | 'staleCredentials') =>
    swept.reduce((total, result) => total + result[field], 0);
  return {
    swept,
    failedAccounts,
    haltedAccounts,
    population,
    usersScanned: sum('usersScanned'),
    candidateCount: sum('candidateCount'),
    staleCredentials: sum('staleCredentials'),
  };
}
