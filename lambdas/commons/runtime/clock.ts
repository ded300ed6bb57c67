/**
 * The one clock every handler reads. In Lambda it is the system clock; the simulator replaces it
 * with the scenario's, so that case ids, decisions, tags and re-checks all fall on the scenario's
 * timeline rather than on the day the simulation happens to run.
 */
export interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };
let current: Clock = systemClock;

export const clock: Clock = { now: () => current.now() };

/** Replaces the clock; `undefined` restores the system clock. */
export function useClock(next: Clock | undefined): void {
  current = next ?? systemClock;
}
