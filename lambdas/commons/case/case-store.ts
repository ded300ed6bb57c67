import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DecisionRecord } from '../contracts/decision';
import type { Outcome } from '../contracts/outcome';
import type { Snapshot } from '../iam/snapshot';
import { CaseAlreadyOpenError, errorName } from '../runtime/errors';
import type { CaseContext } from './evidence';
import { caseKey, openKey, type CaseRecord, type CaseSubject, type Claim } from './record';
import { CaseStatus, moveBy, Transitions } from './lifecycle';
import { setFields } from './table';
import { OpenMarkers } from './open-markers';

/**
 * A case's life, one named write per step, each with its condition: open (one open case per
 * user), the context step's evidence, the ticket, the approval request, the decision (first write
 * wins; a second approver only over a first), its delivery, the snapshot (written once), the
 * removal's steps, the reminders, and the outcome (never rewritten), which closes the case and
 * frees the user.
 */
export class CaseStore extends OpenMarkers {
  /**
   * Claims the user's open marker, then creates the case. The marker's conditional write is what
   * makes a second open case for the same user impossible; a retry of the same case passes both
   * writes again harmlessly. (Two conditional writes rather than a transaction: the order makes a
   * crash between them safe, and it runs on every DynamoDB emulator.)
   */
  async open(record: Omit<CaseRecord, 'pk' | 'status'>): Promise<CaseRecord> {
    await this.refuseLegacyMarker(record);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: openKey(record.candidate),
            openUserName: record.userName,
            openUserId: record.candidate.userId,
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
    const item: CaseRecord = { ...record, pk: caseKey(record.caseId), status: Transitions.open.to };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: Transitions.open.condition,
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

  /** The context step's evidence, stored before anything is judged on it. */
  attachContext(caseId: string, context: CaseContext): Promise<void> {
    return this.set(caseId, { context });
  }

  /** A credential case's credential: the access key id, or `password`, as the context step resolved it. */
  attachCredential(caseId: string, credentialId: string): Promise<void> {
    return this.set(caseId, { credentialId });
  }

  /** Written just before OpenTicket asks Jira to create the ticket (see CaseRecord.ticketRequestedAt). */
  markTicketRequested(caseId: string, at: string): Promise<void> {
    return this.set(caseId, { ticketRequestedAt: at });
  }

  attachTicket(
    caseId: string,
    ticket: { readonly jiraKey: string; readonly jiraUrl?: string },
  ): Promise<void> {
    return this.set(caseId, { jiraKey: ticket.jiraKey, jiraUrl: ticket.jiraUrl });
  }

  /** The approval request as Slack posted it: where the thread and the decided message go. */
  attachMessage(
    caseId: string,
    message: { readonly slackTs?: string; readonly slackChannel: string },
  ): Promise<void> {
    return this.set(caseId, { slackTs: message.slackTs, slackChannel: message.slackChannel });
  }

  /** SendTaskSuccess took the decision: it reached the workflow (written by the resumer alone). */
  markDelivered(caseId: string, at: string): Promise<void> {
    return this.set(caseId, { decisionDeliveredAt: at });
  }

  /**
   * The user as it was before anything changed. Written once: a retry after a crash keeps the
   * first, complete snapshot rather than a partial one. Says whether this call wrote it.
   */
  saveSnapshot(caseId: string, snapshot: Snapshot, at: string): Promise<boolean> {
    return this.setOnce(caseId, { snapshot, snapshotSavedAt: at }, 'snapshot');
  }

  /**
   * The user right before the deletion that follows a quarantine (see CaseRecord.deletionSnapshot).
   * Written once, like the first: a retry keeps the snapshot taken before its first change.
   */
  saveDeletionSnapshot(caseId: string, snapshot: Snapshot, at: string): Promise<boolean> {
    return this.setOnce(
      caseId,
      { deletionSnapshot: snapshot, deletionSnapshotSavedAt: at },
      'deletionSnapshot',
    );
  }

  /** What the remover did and what it planned (a dry run plans only). */
  recordRemoval(
    caseId: string,
    steps: { readonly removed: string[]; readonly planned: string[] },
  ): Promise<void> {
    return this.set(caseId, { removed: steps.removed, planned: steps.planned });
  }

  /** A run failed after these changes: they join what was removed, and say the run was cut short. */
  recordInterrupted(caseId: string, steps: { readonly removed: string[]; readonly interrupted: string[] }) {
    return this.set(caseId, { removed: steps.removed, interruptedSteps: steps.interrupted });
  }

  recordReminder(caseId: string, at: string, reminders: number): Promise<void> {
    return this.set(caseId, { lastReminderAt: at, reminders });
  }

  /** Sets the fields only while `field` is unset; says whether this call wrote them. */
  private async setOnce(
    caseId: string,
    fields: Partial<Omit<CaseRecord, 'pk' | 'caseId'>>,
    field: keyof CaseRecord,
  ): Promise<boolean> {
    try {
      await this.set(caseId, fields, { onlyIfAbsent: field });
      return true;
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }

  /**
   * Sets the given fields; undefined fields are left alone. With `onlyIfAbsent`, the write happens
   * only while that attribute is unset (ConditionalCheckFailedException otherwise). Never the
   * status: a status moves only by a transition (lifecycle.ts).
   */
  private async set(
    caseId: string,
    fields: Partial<Omit<CaseRecord, 'pk' | 'caseId' | 'status'>>,
    options: { onlyIfAbsent?: keyof CaseRecord } = {},
  ): Promise<void> {
    const update = setFields(fields);
    if (!update) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: caseKey(caseId) },
        UpdateExpression: update.UpdateExpression,
        ExpressionAttributeNames: {
          ...update.ExpressionAttributeNames,
          ...(options.onlyIfAbsent ? { '#absent': options.onlyIfAbsent } : {}),
        },
        ExpressionAttributeValues: update.ExpressionAttributeValues,
        ConditionExpression:
          'attribute_exists(pk)' + (options.onlyIfAbsent ? ' AND attribute_not_exists(#absent)' : ''),
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
    const move = moveBy(Transitions.awaitDecision);
    const write = async (waiting: boolean) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(caseId) },
          UpdateExpression: waiting ? `SET #token = :token, ${move.set}` : 'SET #token = :token',
          // A decision stored by an earlier attempt stands, and only the token is written; a closed
          // case takes neither.
          ConditionExpression: waiting
            ? `attribute_exists(pk) AND ${move.condition}`
            : 'attribute_exists(pk) AND #status <> :closed',
          ExpressionAttributeNames: {
            '#token': 'taskToken',
            '#status': 'status',
            ...(waiting ? move.names : {}),
          },
          ExpressionAttributeValues: {
            ':token': taskToken,
            ':closed': CaseStatus.closed,
            ...(waiting ? move.values : {}),
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
    const move = moveBy(Transitions.recordDecision);
    return this.claim(caseId, {
      UpdateExpression: `SET #decision = :decision, ${move.set}`,
      ConditionExpression: move.condition + (second ? ' AND #first.#by = :first AND #first.#by <> :me' : ''),
      ExpressionAttributeNames: {
        ...move.names,
        ...(second ? { '#first': 'firstApproval', '#by': 'decidedBy' } : {}),
      },
      ExpressionAttributeValues: {
        ':decision': decision,
        ...move.values,
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
      ExpressionAttributeValues: { ':first': approval, ':awaiting': CaseStatus.awaitingDecision },
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

  /**
   * Closes the case, then frees the user for a future case, unless `holdUser`: a case that leaves
   * its user quarantined keeps the marker, so that no second case is opened for a user already
   * denied everything; `iam-janitor release` frees it. Both writes are safe to repeat.
   */
  async close(
    caseId: string,
    subject: CaseSubject,
    ending: CaseEnding,
    { holdUser = false }: { holdUser?: boolean } = {},
  ): Promise<void> {
    await this.recordOutcome(caseId, ending);
    if (!holdUser) await this.release(caseId, subject);
  }

  /**
   * An outcome is written once: a retry may write the same one again, nothing may write another.
   * The audit trail relies on it (decisions are first-write-wins in recordDecision).
   */
  private async recordOutcome(caseId: string, ending: CaseEnding): Promise<void> {
    const close = Transitions.close;
    const update = setFields({ ...ending, status: close.to })!;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(caseId) },
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: `attribute_exists(pk) AND (${close.condition})`,
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...close.names },
          ExpressionAttributeValues: {
            ...update.ExpressionAttributeValues,
            ...close.values,
            ':outcome': ending.outcome,
          },
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const existing = await this.get(caseId);
      throw new Error(
        `Case ${caseId} already ended ${existing?.outcome ?? 'with another outcome'}; an outcome is never rewritten (not ${ending.outcome}).`,
        { cause: error },
      );
    }
  }
}

/** How a case ends: its outcome (written once), in words, and when. */
export interface CaseEnding {
  readonly outcome: Outcome;
  readonly outcomeDetail?: string;
  readonly closedAt: string;
}
