import { performance } from 'node:perf_hooks';
import type { OrganizationSweepOutput } from '../lambdas/organization-guard/handler';
import type { SimAccount } from '../lib/sim/account';
import { organizationOf, organizationSimulation } from '../lib/sim/organization-simulation';
import type { Simulation } from '../lib/sim/engine';
import { generateScenario } from '../lib/sim/generate';
import { buildAccount } from '../lib/sim/scenario-accounts';

export interface OrganizationScaleFigures {
  accounts: number;
  usersPerAccount: number;
  accountConcurrency: number;
  latencyMs: number;
  /** The largest input or output of any state of the sweep, and which. */
  largestPayloadBytes: number;
  largestPayloadState: string;
  /** State transitions of the sweep, its map runs' child executions included, as Step Functions bills them. */
  transitions: number;
  casesOpened: number;
  candidateCount: number;
  /** The accounts of the cases opened, in the batch's order. */
  caseAccounts: string[];
  backlog: number;
  iamCallsPerAccount: { max: number; mean: number };
  sweepMs: number;
}

/** One member account of a benchmark organization. */
export interface BenchMember {
  readonly accountId: string;
  readonly account: SimAccount;
}

export interface OrganizationSweepOptions {
  readonly members: readonly BenchMember[];
  readonly accountConcurrency: number;
  readonly now: Date;
  /** @default 250, the most the config allows */
  readonly maxCasesPerRun?: number;
  readonly latencyMs?: number;
  /**
   * Each account's report is fresh (AWS answers COMPLETE at once within four hours of the last), so
   * that the figure is the sweep's own work, not the report's generation.
   * @default true
   */
  readonly freshReports?: boolean;
}

/**
 * The organization of these members swept once (the case starts counted, not run), its figures,
 * and then `after` with the simulation still up (the evidence lookups of benchOrganization).
 */
export async function sweepOrganization<T = undefined>(
  options: OrganizationSweepOptions,
  after?: (sim: Simulation, output: OrganizationSweepOutput) => Promise<T>,
): Promise<OrganizationScaleFigures & { after: T | undefined }> {
  const { members, accountConcurrency, now } = options;
  const organization = organizationOf(
    'o-scale000001',
    'r-scal',
    members.map(({ accountId, account }) => ({
      accountId,
      name: `account-${accountId}`,
      parentId: 'r-scal',
      account,
    })),
  );
  let largest = { bytes: 0, state: '' };
  const sim = organizationSimulation(
    organization,
    {
      maxCasesPerRun: options.maxCasesPerRun ?? 250,
      maxCandidateFraction: 1,
      accountConcurrency,
      cloudTrailRegions: [],
    },
    {
      standin: {
        faults: { latencyMs: options.latencyMs ?? 0 },
        ...(options.freshReports === false ? {} : { reportStartedCalls: 0 }),
      },
      onSweepPayload: (state, bytes) => {
        if (bytes > largest.bytes) largest = { bytes, state };
      },
    },
  );
  await sim.start();
  try {
    const started = performance.now();
    const sweep = await sim.runSweep(now, { startCases: false });
    const sweepMs = performance.now() - started;
    const output = sweep.output as OrganizationSweepOutput;
    if (output.failedAccountCount > 0)
      throw new Error(`accounts failed: ${JSON.stringify(output.failedAccounts)}`);
    const iamCalls = members.map(
      ({ accountId }) => sim.aws.member(accountId).calls.filter((call) => call.service === 'iam').length,
    );
    return {
      accounts: members.length,
      usersPerAccount: members[0]?.account.users.size ?? 0,
      accountConcurrency,
      latencyMs: options.latencyMs ?? 0,
      largestPayloadBytes: largest.bytes,
      largestPayloadState: largest.state,
      transitions: sweep.transitions,
      casesOpened: output.candidates.length,
      caseAccounts: output.candidates.map((ref) => ref.accountId ?? ''),
      candidateCount: output.candidateCount,
      backlog: output.backlog,
      iamCallsPerAccount: {
        max: Math.max(...iamCalls),
        mean: iamCalls.reduce((sum, calls) => sum + calls, 0) / iamCalls.length,
      },
      sweepMs: Math.round(sweepMs),
      after: await after?.(sim, output),
    };
  } finally {
    await sim.stop();
  }
}

/**
 * An organization of `accounts` member accounts with `users` users each, one of them idle, swept
 * once: what grows with the organization and what does not. `now` is the scenario's moment, so
 * that a test gets the same organization every time.
 */
export function sweepOrganizationAtScale(options: {
  accounts: number;
  users: number;
  accountConcurrency: number;
  now: Date;
  maxCasesPerRun?: number;
  latencyMs?: number;
}): Promise<OrganizationScaleFigures> {
  const members = Array.from({ length: options.accounts }, (_, index) => {
    const accountId = String(100000000000 + index + 1);
    return {
      accountId,
      account: buildAccount({ ...memberScenario(index, options.users, options.now), accountId }),
    };
  });
  return sweepOrganization({ ...options, members });
}

/**
 * Member account `index`: `users` users, one of them idle for organizationIdleDays(index) days,
 * so that the organization's longest-idle are known from the index alone.
 */
function memberScenario(index: number, users: number, now: Date) {
  return generateScenario({
    users,
    inactiveFraction: 1 / users,
    idleDays: organizationIdleDays(index),
    now: now.toISOString(),
  });
}

/** Every account's idle user a different number of days: the later the account, the longer. */
export const organizationIdleDays = (index: number) => 100 + index;

/** The organization sweep at 500 and 5,000 accounts, and 5,000 again with four times the concurrency. */
export async function benchOrganizationScale(
  latencyMs: number,
  log: (line: string) => void,
): Promise<OrganizationScaleFigures[]> {
  const figures: OrganizationScaleFigures[] = [];
  for (const [accounts, accountConcurrency] of [
    [500, 10],
    [5_000, 10],
    [5_000, 40],
  ] as const) {
    const figure = await sweepOrganizationAtScale({
      accounts,
      users: 4,
      accountConcurrency,
      now: new Date(),
      latencyMs,
    });
    log(
      `organization of ${accounts} at concurrency ${accountConcurrency}: sweep ${figure.sweepMs} ms, largest payload ${figure.largestPayloadBytes} bytes (${figure.largestPayloadState}), ${figure.transitions} transitions`,
    );
    figures.push(figure);
  }
  return figures;
}
