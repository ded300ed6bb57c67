import type { DecisionRecord } from '../contracts/decision';
import {
  caseKey,
  type CaseRecord,
  type Claim,
  type QuarantineAttempt,
  type QuarantineBreach,
  type QuarantineRecord,
} from './record';
import { CaseStatus, moveBy, Transitions, type Transition } from './lifecycle';
import { TableItems } from './table';

/**
 * A Delete's quarantine in the case record (`quarantine`), one named write per step, each with its
 * condition: started (written once, before the deny policy is attached), the wait for the daily
 * watcher, each silent check, the trip (once), the wait for Release or Delete now, that decision
 * (first wins), and the release.
 */
export class QuarantineStore extends TableItems {
  /**
   * Written before the deny policy is attached, and only once: a retry of the Act step reads the
   * first record, so `attachedByJanitor` keeps saying whether the policy was there before.
   * Returns the quarantine as it now stands.
   */
  async start(caseId: string, quarantine: QuarantineRecord): Promise<QuarantineRecord> {
    const written = await this.updateIf(
      caseId,
      'SET #q = :q',
      'attribute_not_exists(#q)',
      { '#q': 'quarantine' },
      { ':q': quarantine },
    );
    if (written) return quarantine;
    const existing = (await this.read(caseId)).quarantine;
    if (!existing) throw new Error(`Case ${caseId} changed while its quarantine was being written`);
    return existing;
  }

  /** The deny policy and the tags are in place: the quarantine began. */
  async markApplied(caseId: string, at: string): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#at = :at',
      'attribute_exists(#q)',
      { '#q': 'quarantine', '#at': 'appliedAt' },
      { ':at': at },
    );
  }

  /** The case waits for the daily watcher with this task token (each attempt of the state has its own). */
  async awaitEnd(caseId: string, taskToken: string): Promise<CaseRecord> {
    return this.awaitWith(caseId, taskToken, Transitions.awaitEnd);
  }

  /** A watch found nothing: when it looked, and every region it has read in so far. */
  async checked(caseId: string, at: string, watchedRegions: readonly string[]): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#checked = :at, #q.#regions = :regions',
      '#status = :quarantined',
      { '#q': 'quarantine', '#checked': 'lastCheckedAt', '#regions': 'watchedRegions', '#status': 'status' },
      { ':at': at, ':regions': watchedRegions, ':quarantined': CaseStatus.quarantined },
    );
  }

  /**
   * The attempts and breaches that ended the wait: written once, while the case still waits.
   * False when it no longer did.
   */
  async trip(
    caseId: string,
    found: {
      readonly attempts: readonly QuarantineAttempt[];
      readonly breaches: readonly QuarantineBreach[];
    },
    at: string,
  ): Promise<boolean> {
    const written = await this.updateIf(
      caseId,
      'SET #q.#attempts = :attempts, #q.#breaches = :breaches, #q.#checked = :at, #q.#tripped = :at',
      '#status = :quarantined AND attribute_not_exists(#q.#tripped)',
      {
        '#q': 'quarantine',
        '#attempts': 'attempts',
        '#breaches': 'breaches',
        '#checked': 'lastCheckedAt',
        '#tripped': 'trippedAt',
        '#status': 'status',
      },
      {
        ':attempts': found.attempts,
        ':breaches': found.breaches,
        ':at': at,
        ':quarantined': CaseStatus.quarantined,
      },
    );
    return written !== undefined;
  }

  /**
   * The watch ended without a trip (in silence, or the user changed): the case is handed to the
   * deletion or to its ending, and from here on no release can be written beside it, so that a
   * release never lands while the deletion runs. Only while nobody asked for a release: one asked
   * first is delivered instead. Returns whether this call handed it over.
   */
  async handOver(
    caseId: string,
    verdict: NonNullable<QuarantineRecord['verdict']>,
    at: string,
    renamedTo?: string,
  ): Promise<boolean> {
    const written = await this.updateIf(
      caseId,
      `SET #q.#verdict = :verdict, #q.#checked = :at${renamedTo ? ', #q.#renamed = :renamed' : ''}`,
      '#status = :quarantined AND attribute_not_exists(#q.#decision) AND attribute_not_exists(#q.#verdict) AND attribute_not_exists(#q.#tripped)',
      {
        '#q': 'quarantine',
        '#verdict': 'verdict',
        '#checked': 'lastCheckedAt',
        '#decision': 'decision',
        '#tripped': 'trippedAt',
        '#status': 'status',
        ...(renamedTo ? { '#renamed': 'renamedTo' } : {}),
      },
      {
        ':verdict': verdict,
        ':at': at,
        ':quarantined': CaseStatus.quarantined,
        ...(renamedTo ? { ':renamed': renamedTo } : {}),
      },
    );
    return written !== undefined;
  }

  /** The user's id was found under another name (an admin's rename): where the quarantine now holds. */
  async noteRenamed(caseId: string, userName: string): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#renamed = :name',
      'attribute_exists(#q)',
      { '#q': 'quarantine', '#renamed': 'renamedTo' },
      { ':name': userName },
    );
  }

  /** A breach found outside the watch (the deletion's re-check): added to the ones the record holds. */
  async noteBreach(caseId: string, breach: QuarantineBreach): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#breaches = list_append(if_not_exists(#q.#breaches, :none), :breach)',
      'attribute_exists(#q)',
      { '#q': 'quarantine', '#breaches': 'breaches' },
      { ':none': [], ':breach': [breach] },
    );
  }

  /** After a trip, the case waits for Release or Delete now with this task token. */
  async awaitTripDecision(caseId: string, taskToken: string): Promise<CaseRecord> {
    return this.awaitWith(caseId, taskToken, Transitions.awaitTripDecision);
  }

  /** The case waits with this task token, its status moved by the transition under its condition. */
  private awaitWith(caseId: string, taskToken: string, transition: Transition): Promise<CaseRecord> {
    const move = moveBy(transition);
    return this.update(
      caseId,
      `SET #token = :token, ${move.set}`,
      move.condition,
      { '#token': 'taskToken', ...move.names },
      { ':token': taskToken, ...move.values },
    );
  }

  /** The trip message as Slack posted it: the one message whose buttons cast the after-trip choice. */
  async attachTripMessage(
    caseId: string,
    message: { readonly ts: string; readonly channel: string },
  ): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#ts = :ts, #q.#channel = :channel',
      'attribute_exists(#q)',
      { '#q': 'quarantine', '#ts': 'tripMessageTs', '#channel': 'tripMessageChannel' },
      { ':ts': message.ts, ':channel': message.channel },
    );
  }

  /**
   * Release or Delete now: the first wins, and only while the tripped case waits. With `duringWait`,
   * a release (`iam-janitor release`) may also be written while the quarantine is still watched.
   */
  async recordTripDecision(caseId: string, decision: DecisionRecord, duringWait = false): Promise<Claim> {
    const written = await this.updateIf(
      caseId,
      'SET #q.#decision = :decision',
      // During the watch, only until the watcher handed the case to its deletion or ending.
      `(#status = :tripped${duringWait ? ' OR (#status = :quarantined AND attribute_not_exists(#q.#verdict))' : ''}) AND attribute_not_exists(#q.#decision)`,
      {
        '#q': 'quarantine',
        '#decision': 'decision',
        '#status': 'status',
        ...(duringWait ? { '#verdict': 'verdict' } : {}),
      },
      {
        ':decision': decision,
        ':tripped': CaseStatus.quarantineTripped,
        ...(duringWait ? { ':quarantined': CaseStatus.quarantined } : {}),
      },
    );
    return written ? { won: true } : { won: false, existing: await this.read(caseId) };
  }

  /**
   * The choice reached the waiting workflow (SendTaskSuccess took it): from now on the workflow
   * carries it out. Written by the resumer alone.
   */
  async markChoiceDelivered(caseId: string, at: string): Promise<void> {
    await this.update(
      caseId,
      'SET #q.#delivered = :at',
      'attribute_exists(#q.#decision)',
      { '#q': 'quarantine', '#decision': 'decision', '#delivered': 'decisionDeliveredAt' },
      { ':at': at },
    );
  }

  /**
   * The workflow's own receipt of the choice it carries out (Release or Delete now, ActAfterTrip
   * writes it before it acts): the choice is recorded, if a retraction took it back, and its
   * delivery time, if the resumer's stamp is missing. Whether a choice reached the workflow is then
   * read from the record even when the Slack request's stamp failed. Never replaces another choice.
   */
  async recordChoiceReceived(caseId: string, decision: DecisionRecord, at: string): Promise<void> {
    await this.updateIf(
      caseId,
      'SET #q.#decision = if_not_exists(#q.#decision, :decision), #q.#delivered = if_not_exists(#q.#delivered, :at)',
      'attribute_exists(#q) AND (attribute_not_exists(#q.#decision) OR (#q.#decision.#by = :by AND #q.#decision.#at = :decidedAt))',
      {
        '#q': 'quarantine',
        '#decision': 'decision',
        '#by': 'decidedBy',
        '#at': 'decidedAt',
        '#delivered': 'decisionDeliveredAt',
      },
      { ':decision': decision, ':at': at, ':by': decision.decidedBy, ':decidedAt': decision.decidedAt },
    );
  }

  /**
   * Takes back a choice no workflow will receive (its wait ended as it was written: Step Functions
   * refused the token), so that the record never holds a choice that nothing carries out. Only that
   * very choice, and only while undelivered.
   */
  async retractTripDecision(caseId: string, decision: DecisionRecord): Promise<boolean> {
    const removed = await this.updateIf(
      caseId,
      'REMOVE #q.#decision',
      '#q.#decision.#by = :by AND #q.#decision.#at = :at AND attribute_not_exists(#q.#delivered)',
      {
        '#q': 'quarantine',
        '#decision': 'decision',
        '#by': 'decidedBy',
        '#at': 'decidedAt',
        '#delivered': 'decisionDeliveredAt',
      },
      { ':by': decision.decidedBy, ':at': decision.decidedAt },
    );
    return removed !== undefined;
  }

  /**
   * The deny policy and the tags are gone: who released the user, and when. Written once: false
   * when another release was recorded first.
   */
  async recordRelease(caseId: string, by: string, at: string): Promise<boolean> {
    const written = await this.updateIf(
      caseId,
      'SET #q.#at = :at, #q.#by = :by',
      'attribute_exists(#q) AND attribute_not_exists(#q.#at)',
      { '#q': 'quarantine', '#at': 'releasedAt', '#by': 'releasedBy' },
      { ':at': at, ':by': by },
    );
    return written !== undefined;
  }

  /** The ticket now has the comment on a release (or a user found gone) after the case closed. Written once. */
  async recordReleaseCommented(caseId: string, at: string): Promise<void> {
    await this.updateIf(
      caseId,
      'SET #q.#commented = :at',
      '(attribute_exists(#q.#released) OR attribute_exists(#q.#gone)) AND attribute_not_exists(#q.#commented)',
      {
        '#q': 'quarantine',
        '#commented': 'releaseCommentedAt',
        '#released': 'releasedAt',
        '#gone': 'userGoneAt',
      },
      { ':at': at },
    );
  }

  /** A release found no user with the case's id: deleted by someone else, nothing left to release. */
  async recordUserGone(caseId: string, at: string): Promise<void> {
    await this.updateIf(
      caseId,
      'SET #q.#gone = :at',
      'attribute_exists(#q) AND attribute_not_exists(#q.#released) AND attribute_not_exists(#q.#gone)',
      { '#q': 'quarantine', '#gone': 'userGoneAt', '#released': 'releasedAt' },
      { ':at': at },
    );
  }

  private async read(caseId: string): Promise<CaseRecord> {
    const record = await this.getItem<CaseRecord>(caseKey(caseId));
    if (!record) throw new Error(`Case ${caseId} is not in the case table`);
    return { ...record, pk: caseKey(caseId) };
  }
}
