import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../lambdas/commons/runtime/clock';

/**
 * The scenario's clock: it stands at the scenario's `now` and moves only by events, never with the
 * real one, so that a run prints the same times on an idle machine and on a loaded one. Each case
 * runs in a lane of its own, so that its approval wait can take scenario time (an approver deciding
 * after the user came back at 10:00, a deadline passing) without moving any other case.
 */
export class SimClock implements Clock {
  private readonly lanes = new AsyncLocalStorage<{ offsetMs: number }>();

  constructor(private start: Date) {}

  now(): Date {
    const lane = this.lanes.getStore()?.offsetMs ?? 0;
    return new Date(this.start.getTime() + lane);
  }

  /** Moves the whole scenario to a later moment (a later sweep); never back. */
  moveTo(date: Date): void {
    if (date.getTime() < this.start.getTime()) throw new Error('SimClock.moveTo cannot go back in time');
    this.start = date;
  }

  /** Runs `work` (one case execution) on its own timeline. */
  inLane<T>(work: () => Promise<T>): Promise<T> {
    return this.lanes.run({ offsetMs: 0 }, work);
  }

  /** Moves the current case's time forward to `date`; never back, and never outside a case. */
  advanceTo(date: Date): void {
    const lane = this.lanes.getStore();
    if (!lane) throw new Error('SimClock.advanceTo is for a case in its lane');
    lane.offsetMs += Math.max(0, date.getTime() - this.now().getTime());
  }
}
