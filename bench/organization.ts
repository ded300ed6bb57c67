import { performance } from 'node:perf_hooks';
import { memberTarget, memberTrailAccess } from '../lambdas/commons/runtime/clients';
import { lookupUserEvents } from '../lambdas/commons/cloudtrail/lookup';
import { mapWithConcurrency } from '../lambdas/commons/runtime/concurrency';
import type { OrganizationSweepOutput } from '../lambdas/organization-guard/handler';
import { emptyAccount } from '../lib/sim/account';
import { Simulation } from '../lib/sim/engine';
import { generateScenario } from '../lib/sim/generate';
import type { SimOrganization } from '../lib/sim/standins/organization-standin';
import { buildAccount } from '../lib/sim/scenario-accounts';

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
  baseConfig: Record<string, unknown>,
  log: (line: string) => void,
): Promise<OrganizationFigures> {
  const now = new Date();
  const members = Array.from({ length: accounts }, (_, index) => {
    const accountId = String(100000000000 + index + 1);
    const scenario = generateScenario({ users, inactiveFraction: idle / users, now: now.toISOString() });
    return { accountId, account: buildAccount({ ...scenario, accountId }) };
  });
  const organization: SimOrganization = {
    id: 'o-benchmark01',
    managementAccountId: '999999999999',
    rootId: 'r-bnch',
    units: [],
    members: members.map(({ accountId, account }) => ({
      accountId,
      name: `account-${accountId}`,
      parentId: 'r-bnch',
      account,
    })),
    memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
    externalId: 'iam-janitor',
  };
  const config = {
    ...baseConfig,
    deploymentMode: 'organization',
    organizationId: 'o-benchmark01',
    memberOrganizationalUnitIds: ['r-bnch'],
    maxCasesPerRun: 250,
    maxCandidateFraction: 1,
    accountConcurrency: 10,
    cloudTrailRegions: [],
  };
  let largest = { bytes: 0, state: '' };
  const weigh = (state: string, bytes: number) => {
    if (bytes > largest.bytes) largest = { bytes, state };
  };
  const sim = new Simulation({
    account: emptyAccount('999999999999'),
    organization,
    config,
    standin: { faults: { latencyMs } },
    onSweepPayload: weigh,
  });
  await sim.start();
  try {
    const started = performance.now();
    const sweep = await sim.runSweep(now, { startCases: false });
    const sweepMs = performance.now() - started;
    const output = sweep.output as OrganizationSweepOutput;
    if (output.failedAccountCount > 0)
      throw new Error(`accounts failed: ${JSON.stringify(output.failedAccounts)}`);
    if (output.candidateCount !== accounts * idle)
      throw new Error(`expected ${accounts * idle} candidates, found ${output.candidateCount}`);
    const iamCalls = members.map(
      ({ accountId }) => sim.aws.member(accountId).calls.filter((call) => call.service === 'iam').length,
    );
    log(
      `organization ${accounts}×${users}: sweep ${Math.round(sweepMs)} ms, ${output.candidates.length} cases opened, ${output.backlog} waiting; IAM calls per account ≤ ${Math.max(...iamCalls)}; largest payload ${largest.bytes} bytes (${largest.state})`,
    );

    // The evidence of every candidate, accountConcurrency cases at once, as the case starts spread them.
    const idleUsers = members.flatMap(({ accountId, account }, accountIndex) =>
      // generateScenario makes its first `idle` users the idle ones.
      [...account.users.values()].slice(0, idle).map((user, userIndex) => ({
        accountId,
        userName: user.userName,
        order: userIndex * accounts + accountIndex,
      })),
    );
    idleUsers.sort((a, b) => a.order - b.order);
    const parsed = sim.config;
    const evidenceStarted = performance.now();
    await mapWithConcurrency(idleUsers, parsed.accountConcurrency, async ({ accountId, userName }) => {
      const member = memberTarget(accountId, 'reader', parsed);
      await lookupUserEvents(userName, ['us-east-1'], {
        ...memberTrailAccess(member),
        maxEventsPerRegion: 50,
        now,
      });
    });
    const evidenceMs = performance.now() - evidenceStarted;
    const lookups = members.flatMap(({ accountId }) => sim.aws.member(accountId).callsOf('LookupEvents'));
    const perAccountFloorMs = (idle / 2) * 1000;
    log(
      `organization evidence: ${lookups.length} lookups in ${Math.round(evidenceMs)} ms; per-account floor ${perAccountFloorMs} ms, one limiter ${(lookups.length / 2) * 1000} ms`,
    );
    return {
      accounts,
      usersPerAccount: users,
      candidatesPerAccount: idle,
      sweepMs: Math.round(sweepMs),
      casesOpened: output.candidates.length,
      backlog: output.backlog,
      iamCallsPerAccount: {
        max: Math.max(...iamCalls),
        mean: iamCalls.reduce((sum, calls) => sum + calls, 0) / iamCalls.length,
      },
      largestPayloadBytes: largest.bytes,
      largestPayloadState: largest.state,
      evidence: {
        lookups: lookups.length,
        ms: Math.round(evidenceMs),
        perAccountFloorMs,
        serialFloorMs: (lookups.length / 2) * 1000,
        throttled: lookups.filter((call) => call.error).length,
      },
    };
  } finally {
    await sim.stop();
  }
}
