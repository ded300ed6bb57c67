/**
 * Paces calls per key so that at most 2 start in any one-second window, however late the network
 * delivers them: calls for a key run one at a time, and each starts `gapMs` after the previous one
 * has answered. Spacing by start times alone is not enough, because a request delayed in flight can
 * land next to the one sent after it.
 *
 * CloudTrail LookupEvents allows 2 requests per second per region for the whole account; the
 * context Lambda runs with a reserved concurrency of 1, so this one in-process limiter holds across
 * every concurrent case.
 */
export class SerialLimiter {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly gapMs: number) {}

  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(call);
    const tail = result
      .then(
        () => undefined,
        () => undefined,
      )
      .then(
        // The gap paces the next call; it must not keep a finished process (or a test worker) alive.
        () => new Promise<void>((resolve) => setTimeout(resolve, this.gapMs).unref()),
      );
    this.tails.set(key, tail);
    return result;
  }
}

/**
 * With each lookup starting 500 ms after the previous answer, any three consecutive lookups are at
 * least 1 s apart on arrival: never more than 2 in a second.
 */
export const LOOKUP_GAP_MS = 500;
export const cloudTrailLimiter = new SerialLimiter(LOOKUP_GAP_MS);
