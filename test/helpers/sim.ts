import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { candidateOf, emptyAccount, type SimAccount } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import { type CaseRun, type SimulationOptions } from '../../lib/sim/engine-options';
import { addLoadedUser } from './loaded-user';
import { VALID_CONFIG } from './stack';
import { ago } from './standin';

export const APPROVER = 'U0123ABCDEF';
export const CASE_ID = 'AIDALOADED-2026-11-22';

export function candidateFor(account: SimAccount, userName: string): Candidate {
  return candidateOf(account.users.get(userName)!, {
    reason: 'access key 1 last used 90 days ago (threshold 45)',
  });
}

/** An account with the fully loaded user and a little CloudTrail history in two regions. */
export function loadedAccount(): SimAccount {
  const account = emptyAccount();
  addLoadedUser(account);
  account.cloudTrail.push(
    {
      region: 'us-east-1',
      username: 'loaded',
      eventTime: ago(100),
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      sourceIPAddress: '203.0.113.5',
    },
    {
      region: 'eu-west-1',
      username: 'loaded',
      eventTime: ago(91),
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      sourceIPAddress: '203.0.113.9',
    },
  );
  return account;
}

/**
 * Starts one case and resolves once its approval request is posted, with the case still waiting.
 * `finished` settles when the execution ends.
 */
export async function startWaitingCase(options: Partial<SimulationOptions> = {}) {
  const account = options.account ?? loadedAccount();
  let requested!: () => void;
  const awaiting = new Promise<void>((resolve) => (requested = resolve));
  const sim = new Simulation({
    account,
    config: {
      ...VALID_CONFIG,
      approverSlackUserIds: [APPROVER, 'U0456GHIJKL'],
      cloudTrailRegions: ['eu-west-1'],
    },
    approvalTimeoutSeconds: 4,
    ...options,
    onApprovalRequested: async () => requested(),
  });
  await sim.start();
  const finished: Promise<CaseRun> = sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
  await awaiting;
  return { sim, account, finished };
}
