/** How every client retries: patiently inside AWS, briefly at a terminal that cannot reach it. */
import { setTimeout as sleep } from 'node:timers/promises';
import { clientSettings } from './client-settings';

/**
 * IAM throttling is account-wide and cannot be raised, so a sweep shares it with every other tool
 * in the account. The SDK's default of 3 attempts gives up during an ordinary burst; this strategy
 * retries throttling and transient errors with capped exponential backoff and full jitter.
 */
export class PatientRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly maxAttempts = 10,
    private readonly baseDelayMs = Number(process.env.IAM_JANITOR_RETRY_BASE_MS ?? 250),
    private readonly maxDelayMs = 20_000,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new RetryToken(0);
  }

  async refreshRetryTokenForRetry(
    token: RetryToken,
    errorInfo: { errorType: string; error?: Error },
  ): Promise<RetryToken> {
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    const unreachable = UNREACHABLE.has((errorInfo.error as { code?: string } | undefined)?.code ?? '');
    const attempts = unreachable
      ? (clientSettings().unreachableAttempts ?? this.maxAttempts)
      : this.maxAttempts;
    if (!retryable || token.getRetryCount() + 1 >= attempts) {
      throw new Error('No retry token available');
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** token.getRetryCount());
    await sleep(Math.random() * ceiling);
    return new RetryToken(token.getRetryCount() + 1);
  }

  recordSuccess(): void {}
}

/**
 * Errors that say nothing answers at the address (refused, no such host): worth the full patience
 * inside AWS, where they pass, but not at a terminal, where they mean a wrong endpoint or no network.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

class RetryToken {
  constructor(private readonly retryCount: number) {}
  getRetryCount(): number {
    return this.retryCount;
  }
  getRetryDelay(): number {
    return 0;
  }
}
