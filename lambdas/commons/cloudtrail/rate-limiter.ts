import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { errorName } from '../runtime/errors';

/**
 * Paces calls per key so that at most 2 start in any one-second window, however late the network
 * delivers them: calls for a key run one at a time, and each starts `gapMs` after the previous one
 * has answered. Spacing by start times alone is not enough, because a request delayed in flight can
 * land next to the one sent after it.
 *
 * CloudTrail LookupEvents allows 2 requests per second per region for the whole account. In account
 * mode the context Lambda runs with a reserved concurrency of 1, so this one in-process limiter holds
 * across every concurrent case; in organization mode several run at once, and the pacing is shared
 * through the case table per account and region instead (TableSlotLimiter).
 */
/** Runs each call in its turn for its key (an account's region): the in-process or the shared pacing. */
export interface LookupLimiter {
  run<T>(key: string, call: () => Promise<T>): Promise<T>;
}

/**
 * The pacing's time scale: 1, real time, unless IAM_JANITOR_LOOKUP_PACE gives a fraction of it. The
 * simulator sets one and counts its CloudTrail stand-in's one-second window on the same scale, so a
 * lookup paced too closely is throttled there as in AWS, without a demo waiting 500 ms per lookup.
 * Only a fraction in (0, 1] is taken: any other value paces as AWS requires.
 */
export function lookupPace(): number {
  const pace = Number(process.env.IAM_JANITOR_LOOKUP_PACE);
  return pace > 0 && pace <= 1 ? pace : 1;
}

export class SerialLimiter implements LookupLimiter {
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
        () => sleep(this.gapMs * lookupPace(), undefined, { ref: false }),
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

/**
 * The shared pacing spaces start times only, so it leaves a margin for a request delayed in flight
 * (a throttled call is retried at its next turn anyway).
 */
export const SHARED_LOOKUP_GAP_MS = 600;

/**
 * Organization mode: the pacing is shared by every container of every function that looks up
 * CloudTrail (the context step runs accountConcurrency cases at once, the remover re-checks), so
 * the turns are claimed in the case table, one item per account and region. Each claim takes the
 * next free start time `gapMs` after the previous one with a conditional write; the caller sleeps
 * until its turn. Accounts never wait for each other: their keys differ. The claim of an idle key
 * starts its call one table round trip late, so the turn after it is set `slackMs` further out.
 */
export class TableSlotLimiter implements LookupLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly gapMs: number,
    private readonly slackMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const slot = await this.claimTurn(key);
    const wait = slot - this.now();
    if (wait > 0) await sleep(wait);
    return call();
  }

  /** The start time this caller may use: now if the key is idle, else the next free turn. */
  async claimTurn(key: string): Promise<number> {
    const Key = { pk: `pace#${key}` };
    const gapMs = this.gapMs * lookupPace();
    const slackMs = this.slackMs * lookupPace();
    for (let attempt = 0; attempt < 50; attempt++) {
      const now = this.now();
      if (
        await this.conditional({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET nextAt = :next',
          ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt <= :now',
          ExpressionAttributeValues: { ':next': now + gapMs + slackMs, ':now': now },
        })
      )
        return now;
      const current = (
        await this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }))
      ).Item?.nextAt as number | undefined;
      if (current === undefined) continue;
      if (
        await this.conditional({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET nextAt = :next',
          ConditionExpression: 'nextAt = :current',
          ExpressionAttributeValues: { ':next': current + gapMs, ':current': current },
        })
      )
        return current;
    }
    throw new Error(`Could not claim a CloudTrail lookup turn for ${key}: too many callers at once`);
  }

  private async conditional(input: UpdateCommandInput): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
