import { clickCase } from './click-cases';
import { changeDuringQuarantine } from './quarantine-changes';
import type { SimAccount } from './account';
import type { Simulation } from './engine';
import { watchQuarantine } from './quarantine-watch';
import type { ScenarioAccountRun } from './scenario-accounts';
import { recordAttempt } from './standins/credential-attempts';

/**
 * What the scenario says happens during a quarantine, day by day on the case's clock: someone
 * tries a credential (`quarantineAttempts`), an admin changes the user (`duringQuarantine`); then
 * the daily watcher runs. After a trip, the approvers choose (`decisions.<user>.afterTrip`).
 */
export function quarantineDriver(sim: Simulation, runs: readonly ScenarioAccountRun[]) {
  const runOf = async (caseId: string) => {
    const record = await sim.caseRecord(caseId);
    const run = record && runs.find((candidate) => candidate.accountId === record.candidate.accountId);
    return record && run ? { record, run } : undefined;
  };
  return {
    onQuarantine: async (caseId: string, taskToken: string) => {
      const found = await runOf(caseId);
      if (!found) return;
      const { record, run } = found;
      const attempts = [...(run.fields.quarantineAttempts[record.userName] ?? [])];
      let change = run.fields.duringQuarantine[record.userName];
      await watchQuarantine(sim, caseId, taskToken, async (day) => {
        while (attempts.length > 0 && Date.parse(attempts[0]!.at) <= day.getTime()) {
          const attempt = attempts.shift()!;
          // The user, followed by its id: a rename during the quarantine keeps its credentials.
          const holder = userById(run.account, record.userId)?.userName ?? record.userName;
          recordAttempt(run.account, holder, { ...attempt, at: new Date(attempt.at) });
        }
        const user = userById(run.account, record.userId);
        if (change && user && Date.parse(change.at) <= day.getTime()) {
          changeDuringQuarantine(run.account, user, change, new Date(change.at));
          change = undefined;
        }
      });
    },
    onAfterTrip: async (caseId: string) => {
      const found = await runOf(caseId);
      const choice = found && found.run.fields.decisions[found.record.userName]?.afterTrip;
      if (!choice || choice.action === 'none') return;
      await clickCase(sim, caseId, choice.action, choice.by ?? sim.config.approverSlackUserIds[0]!, {
        ...(choice.reason ? { reason: choice.reason } : {}),
      });
    },
  };
}

const userById = (account: SimAccount, userId: string) =>
  [...account.users.values()].find((user) => user.userId === userId);
