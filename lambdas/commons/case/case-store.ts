import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Candidate, DecisionRecord, Outcome } from '../contracts';
import type { CaseContext } from './evidence';
import type { Snapshot } from '../iam/snapshot';
import type { GuardAcknowledgement } from './guard-acknowledgement';
import { mapWithConcurrency } from '../runtime/concurrency';
import { CaseAlreadyOpenError, errorName } from '../runtime/errors';
import { caseIdOf, OPEN_CASES_INDEX } from '../contracts';
import { DAY_MS } from '../runtime/time';

/**
 * The case table. One item per case (`case#<caseId>`) holds everything the workflow learns: the
 * evidence, the ticket, the Slack message, the task token (which never leaves AWS), the decision,
 * the snapshot and the outcome. One marker per user with an open case (`open#<userName>`) makes a
 * second open case for the same user impossible, and feeds the sparse index the sweep reads.
 */

export type CaseStatus = 'open' | 'awaiting-decision' | 'decided' | 'closed';

export interface CaseRecord {
  readonly pk: string;
  readonly caseId: string;
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  readonly candidate: Candidate;
  readonly executionArn: string;
  readonly openedAt: string;
  readonly status: CaseStatus;
  readonly context?: CaseContext;
  /** For a credential case: the access key id, or `password`, as the context step resolved it. */
  readonly credentialId?: string;
  readonly jiraKey?: string;
  readonly jiraUrl?: string;
  /**
   * Set just before OpenTicket asks Jira to create the ticket: a later attempt that finds it and no
   * jiraKey knows a ticket may exist that Jira's search does not show yet.
   */
  readonly ticketRequestedAt?: string;
  readonly slackChannel?: string;
  readonly slackTs?: string;
  readonly taskToken?: string;
  readonly decision?: DecisionRecord;
  /** With twoPersonDelete: the first Delete click, waiting for a second approver. */
  readonly firstApproval?: DecisionRecord;
  /** When SendTaskSuccess took the decision; a decision without it never reached the workflow. */
  readonly decisionDeliveredAt?: string;
  readonly snapshot?: Snapshot;
  readonly snapshotSavedAt?: string;
  readonly removed?: string[];
  /** The steps the remover planned: what a dry run would have done. */
  readonly planned?: string[];
  readonly outcome?: Outcome;
  readonly outcomeDetail?: string;
  readonly closedAt?: string;
  readonly lastReminderAt?: string;
  readonly reminders?: number;
}

/** A decision of a dry run, kept so that the next dry-run sweep does not ask again. */
export interface DryRunMemory {
  readonly decision: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** A Keep's end; any other decision holds for as long as the dry run lasts. */
  readonly until?: string;
}

/** The latest sweep, as the weekly summary and `acknowledge-guard` read it. */
export interface SweepRecord {
  readonly sweepId: string;
  readonly finishedAt: string;
  readonly usersScanned: number;
  readonly casesStarted: number;
  readonly backlog: number;
  readonly staleCredentials: number;
  readonly halted: boolean;
  readonly haltReason?: string;
  /** Every candidate the guard counted, opened or not: what an acknowledgement must cover. */
  readonly candidateCount: number;
  /** Organization mode: the accounts whose inventory failed, and those their own guard halted. */
  readonly failedAccounts?: string[];
  readonly haltedAccounts?: string[];
}

export interface OpenCase {
  readonly userName: string;
  readonly accountId?: string;
  readonly caseId: string;
  readonly openedAt: string;
}

/** Who won a conditional write, and, for the others, the case as it now stands. */
export type Claim = { won: true } | { won: false; existing?: CaseRecord };

/** Who an open marker is for: a user name, within its member account in organization mode. */
export type CaseSubject = Pick<Candidate, 'userName' | 'accountId'>;

/**
 * The guard's scope: the whole deployment (the account in account mode, the organization as a
 * whole in organization mode), or one member account. Each has its own sweep record and its own
 * acknowledgement.
 */
export type GuardScope = { accountId: string } | undefined;

const caseKey = (caseId: string) => `case#${caseId}`;
const scoped = (base: string, scope: GuardScope) =>
  scope === undefined ? base : `${base}#${scope.accountId}`;
// Account mode keeps the keys it always had, so an upgraded deployment reads its open cases.
const openKey = ({ userName, accountId }: CaseSubject) =>
  accountId === undefined ? `open#${userName}` : `open#${accountId}#${userName}`;
const stashKey = (sweepId: string, accountId: string) => `sweep#${sweepId}#account#${accountId}`;
const dryRunKey = (subjectId: string) => `dryrun#${subjectId}`;
/** Where a started case's candidate waits for the sweep machine (statemachine/*sweep.asl.json reads it). */
export const caseCandidateKey = (caseId: string) => `candidate#${caseId}`;

export class CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims the user's open marker, then creates the case. The marker's conditional write is what
   * makes a second open case for the same user impossible; a retry of the same case passes both
   * writes again harmlessly. (Two conditional writes rather than a transaction: the order makes a
   * crash between them safe, and it runs on every DynamoDB emulator.)
   */
  async open(record: Omit<CaseRecord, 'pk' | 'status'>): Promise<CaseRecord> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: openKey(record.candidate),
            openUserName: record.userName,
            ...(record.candidate.accountId ? { accountId: record.candidate.accountId } : {}),
            caseId: record.caseId,
            openedAt: record.openedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR caseId = :caseId',
          ExpressionAttributeValues: { ':caseId': record.caseId },
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const marker = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: openKey(record.candidate) } }),
      );
      throw new CaseAlreadyOpenError(
        `User ${record.userName} already has an open case (${String(marker.Item?.caseId ?? 'unknown')}); it alone decides.`,
      );
    }
    const item: CaseRecord = { ...record, pk: caseKey(record.caseId), status: 'open' };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return item;
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return this.require(record.caseId);
    }
  }

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseId) }, ConsistentRead: true }),
    );
    return result.Item as CaseRecord | undefined;
  }

  async require(caseId: string): Promise<CaseRecord> {
    const record = await this.get(caseId);
    if (!record) throw new Error(`Case ${caseId} is not in the case table`);
    return record;
  }

  /**
   * Sets the given fields; undefined fields are left alone. With `onlyIfAbsent`, the write happens
   * only while that attribute is unset (ConditionalCheckFailedException otherwise).
   */
  async update(
    caseId: string,
    fields: Partial<Omit<CaseRecord, 'pk' | 'caseId'>>,
    options: { onlyIfAbsent?: keyof CaseRecord; sameOrAbsent?: 'outcome' } = {},
  ): Promise<void> {
    const same = options.sameOrAbsent;
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: caseKey(caseId) },
        UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key])),
          ...(options.onlyIfAbsent ? { '#absent': options.onlyIfAbsent } : {}),
          ...(same ? { '#same': same } : {}),
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
          ...(same ? { ':same': fields[same] } : {}),
        },
        ConditionExpression:
          'attribute_exists(pk)' +
          (options.onlyIfAbsent ? ' AND attribute_not_exists(#absent)' : '') +
          (same ? ' AND (attribute_not_exists(#same) OR #same = :same)' : ''),
      }),
    );
  }

  /**
   * The request step's write: each attempt of the state has a new task token, and only the latest
   * can resume the case. The case waits for a decision again only while it holds none: a decision
   * stored during an earlier attempt (whose token died with it) stands, and is to be delivered to
   * this token. Returns the case as it now stands.
   */
  async awaitDecision(caseId: string, taskToken: string): Promise<CaseRecord> {
    const write = async (waiting: boolean) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(caseId) },
          UpdateExpression: waiting ? 'SET #token = :token, #status = :awaiting' : 'SET #token = :token',
          ConditionExpression: waiting
            ? 'attribute_exists(pk) AND attribute_not_exists(#decision)'
            : 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            '#token': 'taskToken',
            ...(waiting ? { '#status': 'status', '#decision': 'decision' } : {}),
          },
          ExpressionAttributeValues: {
            ':token': taskToken,
            ...(waiting ? { ':awaiting': 'awaiting-decision' } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    try {
      return (await write(true)).Attributes as CaseRecord;
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return (await write(false)).Attributes as CaseRecord;
    }
  }

  /**
   * The first decision wins: the write succeeds only while the case waits and holds no decision.
   * A later click learns who decided first. A second approval (twoPersonDelete) counts only over a
   * first one by somebody else, checked in the same write.
   */
  recordDecision(caseId: string, decision: DecisionRecord): Promise<Claim> {
    const second = decision.firstApprover !== undefined;
    return this.claim(caseId, {
      UpdateExpression: 'SET #decision = :decision, #status = :decided',
      ConditionExpression:
        'attribute_not_exists(#decision) AND #status = :awaiting' +
        (second ? ' AND #first.#by = :first AND #first.#by <> :me' : ''),
      ExpressionAttributeNames: {
        '#decision': 'decision',
        '#status': 'status',
        ...(second ? { '#first': 'firstApproval', '#by': 'decidedBy' } : {}),
      },
      ExpressionAttributeValues: {
        ':decision': decision,
        ':decided': 'decided',
        ':awaiting': 'awaiting-decision',
        ...(second ? { ':first': decision.firstApprover, ':me': decision.decidedBy } : {}),
      },
    });
  }

  /** With twoPersonDelete: the first Delete, kept while the case waits for a second approver. */
  recordFirstApproval(caseId: string, approval: DecisionRecord): Promise<Claim> {
    return this.claim(caseId, {
      UpdateExpression: 'SET #first = :first',
      ConditionExpression:
        'attribute_not_exists(#first) AND attribute_not_exists(#decision) AND #status = :awaiting',
      ExpressionAttributeNames: { '#first': 'firstApproval', '#decision': 'decision', '#status': 'status' },
      ExpressionAttributeValues: { ':first': approval, ':awaiting': 'awaiting-decision' },
    });
  }

  /** A conditional write that one click wins; the others learn the case as it now stands. */
  private async claim(
    caseId: string,
    write: Required<
      Pick<
        UpdateCommandInput,
        'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
      >
    >,
  ): Promise<Claim> {
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: { pk: caseKey(caseId) }, ...write }),
      );
      return { won: true };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return { won: false, existing: await this.get(caseId) };
    }
  }

  /** Closes the case, then frees the user for a future case. Both writes are safe to repeat. */
  async close(
    caseId: string,
    subject: CaseSubject,
    fields: Partial<Omit<CaseRecord, 'pk' | 'caseId'>>,
  ): Promise<void> {
    await this.recordOutcome(caseId, { ...fields, status: 'closed' });
    await this.release(caseId, subject);
  }

  /**
   * An outcome is written once: a retry may write the same one again, nothing may write another.
   * The audit trail relies on it (decisions are first-write-wins in recordDecision).
   */
  async recordOutcome(caseId: string, fields: Partial<Omit<CaseRecord, 'pk' | 'caseId'>>): Promise<void> {
    try {
      await this.update(caseId, fields, fields.outcome ? { sameOrAbsent: 'outcome' } : {});
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const existing = await this.get(caseId);
      throw new Error(
        `Case ${caseId} already ended ${existing?.outcome ?? 'with another outcome'}; an outcome is never rewritten (not ${fields.outcome}).`,
        { cause: error },
      );
    }
  }

  /** Frees the user's open marker if this case holds it. */
  async release(caseId: string, subject: CaseSubject): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: openKey(subject) },
        // Only this case's marker: never free a user from someone else's case.
        ConditionExpression: 'attribute_not_exists(pk) OR caseId = :caseId',
        ExpressionAttributeValues: { ':caseId': caseId },
      }),
    );
  }

  /** The cases opened, closed or still open since the date: a scan, once a week, filtered on the server. */
  casesSince(since: Date): Promise<CaseRecord[]> {
    return this.scanCases(
      'openedAt >= :since OR closedAt >= :since OR #status <> :closed',
      { '#status': 'status' },
      { ':since': since.toISOString(), ':closed': 'closed' },
    );
  }

  /** Every case, or those opened since a date, oldest first: the audit export. */
  async listCases(since?: Date): Promise<CaseRecord[]> {
    const cases = since
      ? await this.scanCases('openedAt >= :since', {}, { ':since': since.toISOString() })
      : await this.scanCases();
    return cases.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.caseId.localeCompare(b.caseId));
  }

  private async scanCases(
    filter?: string,
    names: Record<string, string> = {},
    values: Record<string, unknown> = {},
  ): Promise<CaseRecord[]> {
    const cases: CaseRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: `begins_with(pk, :case)${filter ? ` AND (${filter})` : ''}`,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ':case': 'case#', ...values },
          ExclusiveStartKey: startKey,
        }),
      );
      cases.push(...((page.Items ?? []) as CaseRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return cases;
  }

  recordSweep(sweep: SweepRecord, scope?: GuardScope): Promise<void> {
    return this.putItem(scoped('sweep#latest', scope), sweep);
  }

  latestSweep(scope?: GuardScope): Promise<SweepRecord | undefined> {
    return this.getItem<SweepRecord>(scoped('sweep#latest', scope));
  }

  /** Lets the next sweep pass the fraction guard once; a newer acknowledgement replaces an older one. */
  acknowledgeGuard(acknowledgement: GuardAcknowledgement, scope?: GuardScope): Promise<void> {
    return this.putItem(scoped('guard#acknowledgement', scope), acknowledgement);
  }

  guardAcknowledgement(scope?: GuardScope): Promise<GuardAcknowledgement | undefined> {
    return this.getItem<GuardAcknowledgement>(scoped('guard#acknowledgement', scope));
  }

  /**
   * Organization mode: one account's batch of candidates, kept between the Distributed Map that
   * inventories the accounts and the guard that weighs the organization as a whole. Too big to
   * travel in the map's result (50 accounts of 25 candidates exceed the 256 KB payload limit); at
   * most 250 candidates (about 100 KB) fit one item's 400 KB.
   */
  stashCandidates(sweepId: string, accountId: string, candidates: Candidate[]): Promise<void> {
    return this.putItem(stashKey(sweepId, accountId), { candidates });
  }

  /**
   * The batch a sweep starts, each candidate under its case id, for the sweep machine to read right
   * before it starts the case (the sweep's own state carries references only). Kept a week, for a
   * sweep re-run on the same day; DynamoDB's TTL removes it after.
   */
  async stashCases(candidates: readonly Candidate[], runDate: string, now: Date): Promise<void> {
    // DynamoDB's TTL is in epoch seconds.
    const expiresAt = Math.floor((now.getTime() + 7 * DAY_MS) / 1000);
    await mapWithConcurrency(candidates, 10, (candidate) =>
      this.putItem(caseCandidateKey(caseIdOf(candidate, runDate)), {
        candidate: JSON.stringify(candidate),
        expiresAt,
      }),
    );
  }

  /**
   * A dry run's decision, remembered as the real one would act (a Keep snoozes for keepDays; a
   * Delete, Disable or Deactivate answers the question for as long as the dry run lasts), so that
   * the next dry-run sweep does not ask again. Keyed by the case's subject id.
   */
  async rememberDryRunDecision(subjectId: string, memory: DryRunMemory): Promise<void> {
    await this.putItem(dryRunKey(subjectId), memory);
  }

  /** The dry-run decisions remembered for these subjects (GetItem each, a few at a time). */
  async dryRunDecisions(subjectIds: readonly string[]): Promise<Map<string, DryRunMemory>> {
    const memories = await mapWithConcurrency(subjectIds, 10, (subjectId) =>
      this.getItem<DryRunMemory>(dryRunKey(subjectId)),
    );
    return new Map(
      subjectIds.flatMap((subjectId, index) => (memories[index] ? [[subjectId, memories[index]]] : [])),
    );
  }

  /** Reads a batch back and deletes it: each sweep's stash is read once. */
  async takeCandidates(sweepId: string, accountId: string): Promise<Candidate[]> {
    const stash = await this.getItem<{ candidates: Candidate[] }>(stashKey(sweepId, accountId));
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: stashKey(sweepId, accountId) } }),
    );
    return stash?.candidates ?? [];
  }

  /** The table's single items beside the cases (the latest sweep, the acknowledgement). */
  private async putItem(pk: string, fields: object): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...fields, pk } }));
  }

  private async getItem<T>(pk: string): Promise<T | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const fields: Record<string, unknown> = { ...result.Item };
    delete fields.pk;
    return fields as T;
  }

  /** Uses the acknowledgement up: only the one this sweep read, never a newer one given meanwhile. */
  async consumeAcknowledgement(acknowledgement: GuardAcknowledgement, scope?: GuardScope): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: scoped('guard#acknowledgement', scope) },
          ConditionExpression: 'acknowledgedAt = :at',
          ExpressionAttributeValues: { ':at': acknowledgement.acknowledgedAt },
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** The open cases, read from the sparse index: as cheap as the number of open cases. */
  async openCases(): Promise<OpenCase[]> {
    const cases: OpenCase[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          IndexName: OPEN_CASES_INDEX,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        cases.push({
          userName: String(item.openUserName),
          ...(item.accountId ? { accountId: String(item.accountId) } : {}),
          caseId: String(item.caseId),
          openedAt: String(item.openedAt),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return cases;
  }
}
