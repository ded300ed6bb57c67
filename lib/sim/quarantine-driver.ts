import { changeDuringApproval } from './account-changes';
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
          recordAttempt(run.account, record.userName, { ...attempt, at: new Date(attempt.at) });
        }
        const user = run.account.users.get(record.userName);
        if (change && user && Date.parse(change.at) <= day.getTime()) {
          changeDuringApproval(run.account, user, change, new Date(change.at));
          change = undefined;
        }
      });
    },
    onAfterTrip: async (caseId: string) => {
      const found = await runOf(caseId);
      const choice = found && found.run.fields.decisions[found.record.userName]?.afterTrip;
      if (!choice || choice.action === 'none') return;
      await sim.click(caseId, choice.action, choice.by ?? sim.config.approverSlackUserIds[0]!, {
        ...(choice.reason ? { reason: choice.reason } : {}),
      });
    },
  };
}
