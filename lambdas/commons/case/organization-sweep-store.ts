import { BatchGetCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { tableStore } from '../runtime/clients';
import { sleep } from '../runtime/concurrency';
import { errorName } from '../runtime/errors';
import { DAY_MS, HOUR_MS } from '../runtime/time';
import { accountResultSchema, type AccountResult } from './sweep-results';
import { TableItems } from './table';

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
const LEASE_KEY = 'sweep#organization#running';

/**
 * How long a sweep holds the organization: released by the machine's last state (ReleaseLease),
 * or, when the sweep died before it, free again this long after it began. Under a day, so that a
 * daily schedule's next sweep always runs.
 */
export const SWEEP_LEASE_MS = 23 * HOUR_MS;

/**
 * What a sweep leaves in the table: a week, then DynamoDB's TTL removes it. A failure the machine's
 * Catch writes carries no TTL (the ASL cannot compute one); it is a few bytes an account.
 */
const KEEP_MS = 7 * DAY_MS;

export type Lease = { held: true } | { held: false; holder: string; since: string };

/**
 * What one organization sweep keeps outside its state, so that no state's payload grows with the
 * organization: the listing in pages, each account's result under its own key, and the lease that
 * keeps two sweeps from running at once.
 */
export class OrganizationSweepStore extends TableItems {
  /** Takes the organization for this sweep, unless another sweep holds an unexpired lease. */
  async takeLease(sweepId: string, now: Date): Promise<Lease> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: LEASE_KEY,
            holder: sweepId,
            since: now.toISOString(),
            expiresAt: epochSeconds(now, KEEP_MS),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR holder = :me OR since < :staleBefore',
          ExpressionAttributeValues: {
            ':me': sweepId,
            ':staleBefore': new Date(now.getTime() - SWEEP_LEASE_MS).toISOString(),
          },
        }),
      );
      return { held: true };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const lease = await this.getItem<{ holder: string; since: string }>(LEASE_KEY);
      // Released between the write and the read: the next sweep will find it free.
      return { held: false, holder: lease?.holder ?? 'another sweep', since: lease?.since ?? '' };
    }
  }

  /** Frees the organization for the next sweep; a lease another sweep took since is left alone. */
  async releaseLease(sweepId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: LEASE_KEY },
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': sweepId },
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** The listing, ACCOUNT_PAGE_SIZE accounts an item; returns how many pages it took. */
  async writeAccountPages(sweepId: string, accounts: readonly MemberAccount[], now: Date): Promise<number> {
    const pages = Math.ceil(accounts.length / ACCOUNT_PAGE_SIZE);
    for (let page = 0; page < pages; page++) {
      const slice = accounts.slice(page * ACCOUNT_PAGE_SIZE, (page + 1) * ACCOUNT_PAGE_SIZE);
      // A string, which the machine's GetItem turns back into the map's items (States.StringToJson).
      await this.putItem(accountPageKey(sweepId, page), {
        accounts: JSON.stringify(slice),
        expiresAt: epochSeconds(now, KEEP_MS),
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
      expiresAt: epochSeconds(now, KEEP_MS),
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

const epochSeconds = (now: Date, afterMs: number) => Math.floor((now.getTime() + afterMs) / 1000);
