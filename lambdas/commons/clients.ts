import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: { errorType: string }): Promise<RetryToken> {
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    if (!retryable || token.getRetryCount() + 1 >= this.maxAttempts) {
      throw new Error('No retry token available');
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** token.getRetryCount());
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    return new RetryToken(token.getRetryCount() + 1);
  }

  recordSuccess(): void {}
}

class RetryToken {
  constructor(private readonly retryCount: number) {}
  getRetryCount(): number {
    return this.retryCount;
  }
  getRetryDelay(): number {
    return 0;
  }
}

function once<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}

// Created once per container, on first use, so that tests and the simulator can set the standard
// AWS_ENDPOINT_URL_* variables before the first call.
export const iamClient = once(() => new IAMClient({ retryStrategy: new PatientRetryStrategy() }));
export const cloudTrailClient = (region: string): CloudTrailClient => cloudTrailClients(region);
const cloudTrailByRegion = new Map<string, CloudTrailClient>();
function cloudTrailClients(region: string): CloudTrailClient {
  let client = cloudTrailByRegion.get(region);
  if (!client) {
    client = new CloudTrailClient({ region, retryStrategy: new PatientRetryStrategy(8) });
    cloudTrailByRegion.set(region, client);
  }
  return client;
}
export const sfnClient = once(() => new SFNClient({ retryStrategy: new PatientRetryStrategy(5) }));
export const documentClient = once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ retryStrategy: new PatientRetryStrategy(6) }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
