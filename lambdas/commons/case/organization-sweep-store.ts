import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { tableStore } from './stores';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorName } from '../runtime/errors';
import { DAY_MS, HOUR_MS } from '../runtime/time';
import { accountResultSchema, type AccountResult } from './sweep-results';
import { TableItems } from './table';
import type { GuardAcknowledgement } from './guard-acknowledgement';

/** One account the organization sweep inventories: what the Distributed Map iterates over. */
export interface MemberAccount {
  readonly accountId: string;
  /** The account's name in Organizations; the inventory prefers the IAM account alias when there is one. */
  readonly name: string;
}

/**
 * Accounts per page of the listing. A page is one Distributed Map run: its items (about 60 bytes
 * an account, 12 KB) and its result (a few bytes an account) stay far below the 256 KB payload
 * limit whatever the organization's size, and one item far below DynamoDB's 400 KB.
 */
export const ACCOUNT_PAGE_SIZE = 200;

/** The keys the organization sweep machine reads and writes itself (statemachine/organization-sweep.asl.json). */
export const accountPageKey = (sweepId: string, page: number) => `accounts#${sweepId}#${page}`;
export const accountResultKey = (sweepId: string, accountId: string) =>
  `sweep#${sweepId}#result#${accountId}`;
const guardOutputKey = (sweepId: string) => `sweep#${sweepId}#guard`;
const LEASE_KEY = 'sweep#organization#running';

/**
 * What a sweep leaves in the table: a week, then DynamoDB's TTL removes it. The machine's Catch
 * writes an account's failure with the same expiry, which the listing hands it (`expiresAt`).
 */
const KEEP_MS = 7 * DAY_MS;

/**
 * How long a lease whose execution Step Functions does not know yet is still believed: its
 * DescribeExecution is eventually consistent, and the holder took the lease from inside that
 * execution, so an unknown holder this recent is taken as one just started.
 */
export const UNKNOWN_HOLDER_TRUSTED_MS = HOUR_MS;

/** What the guard decided for a sweep, and what it then uses up: the acknowledgement it read, the stashes. */
export interface GuardDecision<T> {
  readonly output: T;
  readonly acknowledgement?: GuardAcknowledgement;
  /** The accounts whose stash the decision read, dropped once it is saved. */
  readonly stashing: readonly string[];
}

export type Lease = { held: true } | { held: false; holder: string; since: string };

/** The status Step Functions gives an execution (DescribeExecution), or `unknown` when it has none. */
export type ExecutionStatus =
  'RUNNING' | 'PENDING_REDRIVE' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'unknown';

/** The statuses of an execution that is over: its lease is nobody's any more. */
const ENDED: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * What one organization sweep keeps outside its state, so that no state's payload grows with the
 * organization: the listing in pages, each account's result under its own key, and the lease that
 * keeps two sweeps from running at once.
 */
export class OrganizationSweepStore extends TableItems {
  /**
   * Takes the organization for this sweep, unless the sweep holding it is still running. The lease
   * names its holder's execution, and Step Functions says whether that execution is over: a sweep
   * that ended in any way (succeeded, failed, stopped by hand, timed out) holds nothing, and a sweep
   * still running holds the organization however long it takes. Nothing has to release the lease,
   * so no failure path can leave it behind.
   */
  async takeLease(
    sweepId: string,
    executionArn: string,
    now: Date,
    statusOf: (executionArn: string) => Promise<ExecutionStatus>,
  ): Promise<Lease> {
    const lease = await this.getItem<{ holder: string; since: string }>(LEASE_KEY);
    if (lease && lease.holder !== sweepId) {
      // The holder is an execution of this same machine: its ARN is this one's with its name.
      const status = await statusOf(executionArn.replace(/[^:]+$/, lease.holder));
      // A `since` after now is no one's clock: an item written by hand, never a sweep's take.
      const age = now.getTime() - Date.parse(lease.since);
      const recent = age >= 0 && age < UNKNOWN_HOLDER_TRUSTED_MS;
      if (!ENDED.includes(status) && (status !== 'unknown' || recent))
        return { held: false, holder: lease.holder, since: lease.since };
    }
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: LEASE_KEY,
            holder: sweepId,
            since: now.toISOString(),
            expiresAt: sweepExpiry(now),
          },
          // Another sweep that read the same ended lease and took it first keeps it.
          ...(lease
            ? { ConditionExpression: 'holder = :seen', ExpressionAttributeValues: { ':seen': lease.holder } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return { held: true };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const winner = await this.getItem<{ holder: string; since: string }>(LEASE_KEY);
      return { held: false, holder: winner?.holder ?? 'another sweep', since: winner?.since ?? '' };
    }
  }

  /** The sweep that holds the organization's lease now, if any. */
  async leaseHolder(): Promise<string | undefined> {
    return (await this.getItem<{ holder: string }>(LEASE_KEY))?.holder;
  }

  /**
   * The organization guard's decision, saved before it uses anything up (the acknowledgement, the
   * stashes), so that a retried guard answers what its first run decided instead of deciding again
   * on what that run consumed, and finishes using up what that run named. A string, as the
   * listing's pages are: tens of kilobytes at most.
   */
  async guardDecision<T>(sweepId: string): Promise<GuardDecision<T> | undefined> {
    const item = await this.getItem<{ decision: string }>(guardOutputKey(sweepId));
    return item ? (JSON.parse(item.decision) as GuardDecision<T>) : undefined;
  }

  saveGuardDecision<T>(sweepId: string, decision: GuardDecision<T>, now: Date): Promise<void> {
    return this.putItem(guardOutputKey(sweepId), {
      decision: JSON.stringify(decision),
      expiresAt: sweepExpiry(now),
    });
  }

  /** The listing, ACCOUNT_PAGE_SIZE accounts an item; returns how many pages it took. */
  async writeAccountPages(sweepId: string, accounts: readonly MemberAccount[], now: Date): Promise<number> {
    const pages = Math.ceil(accounts.length / ACCOUNT_PAGE_SIZE);
    for (let page = 0; page < pages; page++) {
      const slice = accounts.slice(page * ACCOUNT_PAGE_SIZE, (page + 1) * ACCOUNT_PAGE_SIZE);
      // A string, which the machine's GetItem turns back into the map's items (States.StringToJson).
      await this.putItem(accountPageKey(sweepId, page), {
        accounts: JSON.stringify(slice),
        expiresAt: sweepExpiry(now),
      });
    }
    return pages;
  }

  async accountPage(sweepId: string, page: number): Promise<MemberAccount[]> {
    const item = await this.getItem<{ accounts: string }>(accountPageKey(sweepId, page));
    if (!item) throw new Error(`Page ${page} of sweep ${sweepId}'s account listing is not in the case table`);
    return JSON.parse(item.accounts) as MemberAccount[];
  }

  /** One account's result, written by its inventory (or, for a failure, by the machine's Catch). */
  recordAccountResult(sweepId: string, result: AccountResult, now: Date): Promise<void> {
    return this.putItem(accountResultKey(sweepId, result.accountId), {
      ...result,
      expiresAt: sweepExpiry(now),
    });
  }

  /**
   * The results of these accounts, in their order; `undefined` for an account none was recorded
   * for (its iteration ended outside the Catch). BatchGetItem, 100 keys a call, its unprocessed keys
   * asked again after a pause, as DynamoDB advises.
   */
  async accountResults(
    sweepId: string,
    accountIds: readonly string[],
  ): Promise<(AccountResult | undefined)[]> {
    const found = new Map<string, AccountResult>();
    for (let start = 0; start < accountIds.length; start += 100) {
      let keys: Record<string, unknown>[] = accountIds
        .slice(start, start + 100)
        .map((accountId) => ({ pk: accountResultKey(sweepId, accountId) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        const answer = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of answer.Responses?.[this.tableName] ?? []) {
          // valibot's objects keep only the fields they name: the key and the TTL stay behind.
          const result = v.parse(accountResultSchema, item);
          found.set(result.accountId, result);
        }
        keys = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return accountIds.map((accountId) => found.get(accountId));
  }
}

/** The organization sweep's items, in the table the stack named. */
export const organizationSweepStore = /* @__PURE__ */ tableStore(OrganizationSweepStore);

/** When the items of a sweep begun at `now` expire, in epoch seconds (DynamoDB's TTL): the machine's own writes carry it too. */
export const sweepExpiry = (now: Date) => Math.floor((now.getTime() + KEEP_MS) / 1000);
