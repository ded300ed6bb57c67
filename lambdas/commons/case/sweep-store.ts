import type { Candidate } from '../contracts/candidate';
import { caseIdOf } from '../contracts/candidate';
import { mapWithConcurrency } from '../runtime/concurrency';
import { errorName } from '../runtime/errors';
import { DAY_MS } from '../runtime/time';
import type { GuardAcknowledgement } from './guard-acknowledgement';
import {
  caseCandidateKey,
  dryRunKey,
  scoped,
  stashKey,
  type DryRunMemory,
  type GuardScope,
  type SweepRecord,
} from './record';
import { TableItems } from './table';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  EXEMPTION_KEY_PREFIX,
  exemptionKey,
  type ExemptionSeen,
  type ExemptionSighting,
} from './exemption-record';

/**
 * What a sweep leaves in the case table for the steps after it and for the next sweep: its own
 * record, the guard's acknowledgement, the candidates between the inventory and the cases, and the
 * decisions of a dry run.
 */
export class SweepStore extends TableItems {
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
   * most 250 candidates (about 100 KB) fit one item's 400 KB. The guard deletes it; one it never
   * takes (its account reported failed after all) goes with DynamoDB's TTL after a week.
   */
  stashCandidates(sweepId: string, accountId: string, candidates: Candidate[], now: Date): Promise<void> {
    const expiresAt = Math.floor((now.getTime() + 7 * DAY_MS) / 1000);
    return this.putItem(stashKey(sweepId, accountId), { candidates, expiresAt });
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

  /** An account's stashed batch, read; the guard drops it once its own output is saved. */
  async stashedCandidates(sweepId: string, accountId: string): Promise<Candidate[]> {
    return (await this.getItem<{ candidates: Candidate[] }>(stashKey(sweepId, accountId)))?.candidates ?? [];
  }

  async dropStash(sweepId: string, accountId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: stashKey(sweepId, accountId) } }),
    );
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

  /**
   * The sweep's sightings of exemptions: each keeps the first date it was seen (the sweep's clock)
   * and takes this one as its last. A GetItem and a PutItem each, for the exempt users the sweep
   * would otherwise judge, never the account; a first date another sweep wrote meanwhile wins.
   */
  async sightExemptions(sightings: readonly ExemptionSighting[], now: Date): Promise<ExemptionSeen[]> {
    const at = now.toISOString();
    return mapWithConcurrency(sightings, 10, async (sighting) => {
      const pk = exemptionKey(sighting);
      const firstSeen = (await this.getItem<ExemptionSeen>(pk))?.firstSeen ?? at;
      const seen: ExemptionSeen = { ...sighting, firstSeen, lastSeen: at };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...seen, pk },
            ConditionExpression: 'attribute_not_exists(pk) OR firstSeen = :first',
            ExpressionAttributeValues: { ':first': firstSeen },
          }),
        );
        return seen;
      } catch (error) {
        if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
        return (await this.getItem<ExemptionSeen>(pk)) ?? seen;
      }
    });
  }

  /** Read-only (`report`, simulate's preview): the first sightings remembered, today for a new one. */
  async exemptionsSeen(sightings: readonly ExemptionSighting[], now: Date): Promise<ExemptionSeen[]> {
    const at = now.toISOString();
    return mapWithConcurrency(sightings, 10, async (sighting) => {
      const stored = await this.getItem<ExemptionSeen>(exemptionKey(sighting));
      return { ...sighting, firstSeen: stored?.firstSeen ?? at, lastSeen: at };
    });
  }

  /** Every exemption a sweep remembers (the weekly summary's list). */
  async allExemptions(): Promise<ExemptionSeen[]> {
    const items = await this.scanAll({
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': EXEMPTION_KEY_PREFIX },
    });
    return items.map(({ pk: _pk, ...fields }) => fields as unknown as ExemptionSeen);
  }
}
