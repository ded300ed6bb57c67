/**
 * Spaces calls so that at most `perSecond` start in any one-second window. CloudTrail LookupEvents
 * allows 2 requests per second per region for the whole account; the context Lambda runs with a
 * reserved concurrency of 1, so this one in-process limiter holds across every concurrent case.
 */
export class IntervalLimiter {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when the caller may make its call for `key`. */
  async take(key: string): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + this.intervalMs);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/**
 * 2 lookups/s is CloudTrail's limit. 600 ms apart keeps any one-second window at 2 even when the
 * network delays one request by up to 200 ms more than the next, at 1.2 times the ideal wall time.
 */
export const LOOKUP_INTERVAL_MS = 600;
export const cloudTrailLimiter = new IntervalLimiter(LOOKUP_INTERVAL_MS);
