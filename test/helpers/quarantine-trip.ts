import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import type { SimAccount } from '../../lib/sim/account';
import type { IamJanitorProps } from '../../lib/infra/iam-janitor';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from './sim';
import { VALID_CONFIG } from './stack';

export const SECOND = 'U0456GHIJKL';

/**
 * A tripped case: one loaded user, Delete approved, a quarantine that trips on its first day
 * (a refused key call); `afterTrip` runs once the trip message is posted.
 */
export async function trippedCase(
  afterTrip: (sim: Simulation, account: SimAccount) => Promise<void>,
  config: Partial<IamJanitorProps> = {},
  afterEnd?: (sim: Simulation) => Promise<void>,
) {
  const account = loadedAccount();
  const sim: Simulation = new Simulation({
    account,
    config: { ...VALID_CONFIG, quarantineDays: 5, approverSlackUserIds: [APPROVER, SECOND], ...config },
    clock: new SimClock(new Date()),
    onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
    onQuarantine: (caseId, taskToken) =>
      watchQuarantine(sim, caseId, taskToken, async (day) =>
        recordAttempt(account, 'loaded', { at: day, credential: 'AKIALOADED1' }),
      ),
    onAfterTrip: () => afterTrip(sim, account),
  });
  await sim.start();
  try {
    const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
    await afterEnd?.(sim);
    const record = (await sim.caseRecord(CASE_ID))!;
    return { run, record, slack: sim.slack, jira: sim.jira, account, sim };
  } finally {
    await sim.stop();
  }
}

/** Every Jira comment body, as plain text. */
export function jiraText(jira: Simulation['jira']): string {
  return JSON.stringify([...jira.issues.values()]);
}

/**
 * One loaded user, Delete approved, a quarantine the watcher finds silent; `onDay` runs before
 * each daily watch (what an admin does that day); `afterEnd` runs once the case is closed.
 */
export async function silentQuarantine(
  onDay: (account: SimAccount, day: number) => Promise<void> | void,
  config: Partial<IamJanitorProps> = {},
  afterEnd?: (sim: Simulation) => Promise<void>,
) {
  const account = loadedAccount();
  let day = 0;
  const sim: Simulation = new Simulation({
    account,
    config: { ...VALID_CONFIG, quarantineDays: 3, approverSlackUserIds: [APPROVER, SECOND], ...config },
    clock: new SimClock(new Date()),
    onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
    onQuarantine: (caseId, taskToken) =>
      watchQuarantine(sim, caseId, taskToken, async () => onDay(account, ++day)),
  });
  await sim.start();
  try {
    const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
    const record = (await sim.caseRecord(CASE_ID))!;
    await afterEnd?.(sim);
    return { run, record, slack: sim.slack, jira: sim.jira, account, sim };
  } finally {
    await sim.stop();
  }
}
