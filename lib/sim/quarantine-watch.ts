import type { CaseRecord } from '../../lambdas/commons/case/record';
import { DAY_MS } from '../../lambdas/commons/runtime/time';
import type { SimClock } from './clock';
import { named } from './machines';
import type { TaskTokens } from './task-tokens';

/** What the daily watch needs of a simulation. */
export interface Watched {
  caseRecord(caseId: string): Promise<CaseRecord | undefined>;
  readonly tokens: TaskTokens;
  readonly scenarioClock?: SimClock;
  /** Invokes the real watcher Lambda once, as its daily schedule does. */
  runWatcher(): Promise<unknown>;
}

/**
 * The daily watcher, day after day of the quarantine on the case's own clock, until it answers
 * the wait: `onDay` runs first each day (what the scenario says happens that day). Nothing moves
 * the case between two days, so no day costs a state transition.
 */
export async function watchQuarantine(
  sim: Watched,
  caseId: string,
  taskToken: string,
  onDay?: (day: Date) => Promise<void>,
): Promise<void> {
  const quarantine = (await sim.caseRecord(caseId))?.quarantine;
  if (!quarantine || !sim.tokens.isWaiting(taskToken)) return;
  const clock = sim.scenarioClock;
  if (!clock) {
    sim.tokens.fail(
      taskToken,
      named('SimulationError', 'A quarantine needs the scenario clock to pass its days'),
    );
    return;
  }
  const days = Math.ceil((Date.parse(quarantine.endsAt) - Date.parse(quarantine.startedAt)) / DAY_MS);
  for (let day = 1; day <= days + 1 && sim.tokens.isWaiting(taskToken); day++) {
    const at = new Date(Date.parse(quarantine.startedAt) + day * DAY_MS);
    clock.advanceTo(at);
    await onDay?.(at);
    await sim.runWatcher();
  }
}
