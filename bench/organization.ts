import { performance } from 'node:perf_hooks';
import { memberTarget } from '../lambdas/commons/runtime/member-role';
import { memberTrailAccess } from '../lambdas/commons/cloudtrail/access';
import { lookupUserEvents } from '../lambdas/commons/cloudtrail/lookup';
import { mapWithConcurrency } from '../lambdas/commons/runtime/concurrency';
import type { Simulation } from '../lib/sim/engine';
import { generateScenario } from '../lib/sim/generate';
import { buildAccount } from '../lib/sim/scenario-accounts';
import { sweepOrganization, type BenchMember } from './organization-scale';

export interface OrganizationFigures {
  accounts: number;
  usersPerAccount: number;
  candidatesPerAccount: number;
  /** The sweep: list, the Distributed Map of inventories, the organization guard, the case starts. */
  sweepMs: number;
  casesOpened: number;
  backlog: number;
  iamCallsPerAccount: { max: number; mean: number };
  largestPayloadBytes: number;
  largestPayloadState: string;
  /** Every candidate's CloudTrail lookup, accountConcurrency at a time, each account paced on its own. */
  evidence: {
    lookups: number;
    ms: number;
    /** One account's lookups at CloudTrail's 2 per second: the floor when accounts run in parallel. */
    perAccountFloorMs: number;
    /** What one limiter for everything would cost: every lookup at 2 per second. */
    serialFloorMs: number;
    throttled: number;
  };
}

/**
 * Organization mode at scale: `accounts` member accounts of `users` users, `idle` of them candidates
 * in each, inventoried by the organization sweep, then every candidate's evidence looked up in
 * CloudTrail the way the context step does, with the pacing shared through the case table.
 */
export async function benchOrganization(
  accounts: number,
  users: number,
  idle: number,
  latencyMs: number,
  log: (line: string) => void,
): Promise<OrganizationFigures> {
  const now = new Date();
  const members = Array.from({ length: accounts }, (_, index) => {
    const accountId = String(100000000000 + index + 1);
    const scenario = generateScenario({ users, inactiveFraction: idle / users, now: now.toISOString() });
    return { accountId, account: buildAccount({ ...scenario, accountId }) };
  });
  const sweep = await sweepOrganization(
    { members, accountConcurrency: 10, now, latencyMs, freshReports: false },
    (sim) => lookUpEvidence(sim, members, idle, now),
  );
  if (sweep.candidateCount !== accounts * idle)
    throw new Error(`expected ${accounts * idle} candidates, found ${sweep.candidateCount}`);
  log(
    `organization ${accounts}×${users}: sweep ${sweep.sweepMs} ms, ${sweep.casesOpened} cases opened, ${sweep.backlog} waiting; IAM calls per account ≤ ${sweep.iamCallsPerAccount.max}; largest payload ${sweep.largestPayloadBytes} bytes (${sweep.largestPayloadState})`,
  );
  const evidence = sweep.after!;
  log(
    `organization evidence: ${evidence.lookups} lookups in ${evidence.ms} ms; per-account floor ${evidence.perAccountFloorMs} ms, one limiter ${evidence.serialFloorMs} ms`,
  );
  return {
    accounts,
    usersPerAccount: users,
    candidatesPerAccount: idle,
    sweepMs: sweep.sweepMs,
    casesOpened: sweep.casesOpened,
    backlog: sweep.backlog,
    iamCallsPerAccount: sweep.iamCallsPerAccount,
    largestPayloadBytes: sweep.largestPayloadBytes,
    largestPayloadState: sweep.largestPayloadState,
    evidence,
  };
}

/** The evidence of every candidate, accountConcurrency cases at once, as the case starts spread them. */
async function lookUpEvidence(
  sim: Simulation,
  members: readonly BenchMember[],
  idle: number,
  now: Date,
): Promise<OrganizationFigures['evidence']> {
  const idleUsers = members.flatMap(({ accountId, account }, accountIndex) =>
    // generateScenario makes its first `idle` users the idle ones.
    [...account.users.values()].slice(0, idle).map((user, userIndex) => ({
      accountId,
      userName: user.userName,
      order: userIndex * members.length + accountIndex,
    })),
  );
  idleUsers.sort((a, b) => a.order - b.order);
  const parsed = sim.config;
  const started = performance.now();
  await mapWithConcurrency(idleUsers, parsed.accountConcurrency, async ({ accountId, userName }) => {
    const member = memberTarget(accountId, 'reader', parsed);
    await lookupUserEvents(userName, ['us-east-1'], {
      ...memberTrailAccess(member),
      maxEventsPerRegion: 50,
      now,
    });
  });
  const ms = performance.now() - started;
  const lookups = members.flatMap(({ accountId }) => sim.aws.member(accountId).callsOf('LookupEvents'));
  return {
    lookups: lookups.length,
    ms: Math.round(ms),
    // One account's lookups at CloudTrail's 2 per second: the floor when accounts run in parallel.
    perAccountFloorMs: (idle / 2) * 1000,
    serialFloorMs: (lookups.length / 2) * 1000,
    throttled: lookups.filter((call) => call.error).length,
  };
}
