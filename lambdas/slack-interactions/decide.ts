import { escapeMrkdwn } from '../commons/runtime/text';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CaseRecord, Claim } from '../commons/case/record';
import type { DecisionRecord } from '../commons/contracts/decision';
import { errorName } from '../commons/runtime/errors';
import { metrics, MetricName } from '../commons/runtime/observability';
import { caseStore, quarantineStore } from '../commons/case/stores';
import { sfnClient } from '../commons/runtime/clients';
import { resumeCase, type Resumption } from '../commons/case/resumer';
import { updateMessage, type slackClient } from '../commons/slack/client';
import type { SlackMessage } from '../commons/slack/messages';

/**
 * Where a click's decision is written, once, and how the case shows it: the approval request's
 * decision, or the choice after a quarantine tripped. Both are decided alike (decide, below).
 */
export interface Ballot {
  /** What it is called in the clicker's replies: "decision", "choice". */
  readonly noun: string;
  /** The button's word, for "click it again". */
  word(decision: DecisionRecord): string;
  /** Writes the decision unless one is there: the first click wins. */
  claim(decision: DecisionRecord): Promise<Claim>;
  /** The decision the record holds on this ballot. */
  held(record: CaseRecord): DecisionRecord | undefined;
  /** The wait this ballot's decision answers: the resumer records its delivery by it. */
  readonly wait: Extract<Resumption['wait'], 'decision' | 'after-trip'>;
  /** Whether the held decision has reached the workflow, as the record says (or the case has ended). */
  delivered(record: CaseRecord): boolean;
  /**
   * Takes back a decision no workflow will receive, where the ballot's wait cannot be asked again
   * (true when it was taken back). Absent: a later attempt of the waiting step delivers it.
   */
  retract?(decision: DecisionRecord): Promise<boolean>;
  /** Told to a clicker whose decision came second, or to a case that takes none. */
  taken(record: CaseRecord): string;
  /** The message that asked, and what it shows once decided. */
  shown(record: CaseRecord, decision: DecisionRecord): { ts?: string; message: SlackMessage };
}

/**
 * Records an authorized decision, once, and hands it to the waiting workflow: the decide step of
 * receiver → authorize → decide. Every outcome is told to the clicker; nothing here throws on
 * Slack's account.
 */
export async function decide(
  record: CaseRecord,
  decision: DecisionRecord,
  ballot: Ballot,
  clicked: Clicked,
): Promise<void> {
  const { slack, log, tell } = clicked;
  const claim = await ballot.claim(decision);
  let delivering = decision;
  if (!claim.won) {
    const existing = claim.existing && ballot.held(claim.existing);
    // Slack re-sends a request it did not see answered in 3 s: the same approver, the same choice.
    const repeat = existing?.decidedBy === decision.decidedBy && existing.decision === decision.decision;
    // Only the decider's own repeat delivers a stored decision that never reached the workflow (its
    // first delivery failed); nobody's other click rides on it. A retried request step delivers it too.
    if (!repeat || !claim.existing || ballot.delivered(claim.existing)) {
      if (!repeat) await tell(ballot.taken(claim.existing ?? record));
      return;
    }
    delivering = existing;
  }

  const delivery = await deliverDecision(record.caseId, delivering, ballot.wait);
  if (delivery !== 'delivered')
    return tellUndelivered(record, decision, delivering, delivery, ballot, clicked);
  metrics.addDimension('decision', delivering.decision);
  metrics.addMetric(MetricName.Decisions, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  log.info(`${ballot.noun} recorded`, { decision: delivering.decision, decidedBy: delivering.decidedBy });

  const { ts, message } = ballot.shown(record, delivering);
  if (ts && record.slackChannel) {
    try {
      await updateMessage(slack, { channel: record.slackChannel, ts }, message, `show the ${ballot.noun}`);
    } catch (error) {
      log.warn(`could not update the message to show the ${ballot.noun}`, { error: errorName(error) });
    }
  }
}

async function tellUndelivered(
  record: CaseRecord,
  decision: DecisionRecord,
  delivering: DecisionRecord,
  delivery: string,
  ballot: Ballot,
  { tell, log }: Clicked,
): Promise<void> {
  if (delivery !== 'not waiting') {
    // Written but not delivered: nothing has changed, and the same click will deliver it.
    log.error('could not resume the case', { error: delivery });
    await tell(
      `Your *${delivering.decision}* ${ballot.noun} for ${escapeMrkdwn(record.userName)} is recorded, but the workflow could not be resumed (${delivery}). Nothing has changed yet: click *${ballot.word(delivering)}* again in a minute to deliver it.`,
    );
    return;
  }
  // Step Functions answers alike for a token already answered (by a double click, or by the
  // request step itself) and for one whose wait expired, so this click writes nothing: the
  // workflow records the outcome that really happened.
  const now = await caseStore().get(record.caseId);
  if (now && ballot.delivered(now)) return;
  // Only the click that wrote the choice takes it back, as no other delivered it. A repeat's refusal
  // may mean its first delivery was taken (its stamp not yet written, or failed): never taken back.
  const wrote = delivering === decision;
  if (ballot.retract && !wrote) {
    await tell(
      `Step Functions refused this repeat of your *${ballot.word(delivering)}*: your earlier click may already have reached the workflow, or its wait ended. Your ${ballot.noun} stays recorded with the case, and this click changed nothing; the thread will show how the case ends.`,
    );
    return;
  }
  if (ballot.retract && (await ballot.retract(delivering))) {
    await tell(
      `The wait for this ${ballot.noun} ended as you clicked, so nothing will carry it out: your *${ballot.word(delivering)}* is not recorded and nothing changed. The thread will show how the case ends; \`iam-janitor release --case ${record.caseId}\` releases a user it leaves quarantined.`,
    );
    return;
  }
  const stored = now && ballot.held(now)?.decidedBy === decision.decidedBy;
  await tell(
    `The workflow is not waiting on this request right now: the request is being posted again or has expired, or a ${ballot.noun} already reached it.${stored ? ` Your ${ballot.noun} is stored with the case and reaches the workflow if it asks again.` : ''} This click changed nothing else; the thread will show the outcome.`,
  );
}

/** What a decide step needs of the click: Slack, the request's logger, and a private reply. */
export interface Clicked {
  readonly slack: Awaited<ReturnType<typeof slackClient>>;
  readonly log: Logger;
  readonly tell: (text: string) => Promise<void>;
}

/**
 * Resumes the case with the decision, at the task token it waits on now, read afresh: a retried
 * request step replaces the token, and the one this click's first read saw may be dead. The
 * resumer records the delivery.
 */
async function deliverDecision(
  caseId: string,
  decision: DecisionRecord,
  wait: Ballot['wait'],
): Promise<'delivered' | 'not waiting' | string> {
  const current = await caseStore().get(caseId);
  const resumed = await resumeCase(
    { sfn: sfnClient(), cases: caseStore(), quarantines: quarantineStore() },
    { caseId, taskToken: current?.taskToken },
    { wait, decision },
  );
  if (resumed.resumed) return 'delivered';
  return resumed.notWaiting ? 'not waiting' : resumed.reason;
}
