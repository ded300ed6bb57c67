import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CaseRecord } from '../commons/case/case-store';
import { metrics, MetricName } from '../commons/runtime/observability';
import type { DecisionRecord } from '../commons/contracts';
import { quarantineStore } from '../commons/runtime/clients';
import { errorName } from '../commons/runtime/errors';
import { formatTime } from '../commons/runtime/text';
import { updateMessage } from '../commons/slack/client';
import { tripDecidedMessage } from '../commons/slack/quarantine-messages';
import { deliverDecision, type Clicked } from './deliver';

/**
 * Release or Delete now, after a quarantine tripped: the first click wins (a conditional write),
 * and goes to the task token the case waits on. Every outcome is told to the clicker.
 */
export async function decideAfterTrip(
  record: CaseRecord,
  decision: DecisionRecord,
  { slack, log, tell }: Clicked,
): Promise<void> {
  const claim = await quarantineStore().recordTripDecision(record.caseId, decision);
  let delivering = decision;
  if (!claim.won) {
    const existing = claim.existing?.quarantine?.decision;
    const repeat = existing?.decidedBy === decision.decidedBy && existing.decision === decision.decision;
    if (!existing || !repeat) {
      await tell(
        existing
          ? `Already chosen: *${existing.decision === 'delete' ? 'Delete now' : 'Release'}* by <@${existing.decidedBy}> at ${formatTime(existing.decidedAt)}.`
          : `This case is ${claim.existing?.status ?? record.status}; it takes no choice now.`,
      );
      return;
    }
    // Slack's retry of the same click: deliver the stored choice, if it never reached the case.
    delivering = existing;
  }
  const delivery = await deliverDecision(record.caseId, delivering);
  if (delivery !== 'delivered') {
    log.warn('could not resume the case after the trip', { delivery });
    await tell(
      `Your choice for ${record.userName} is recorded, but the workflow is not waiting on it right now (${delivery}). It reaches the workflow if it asks again; nothing else changed.`,
    );
    return;
  }
  metrics.addDimension('decision', delivering.decision);
  metrics.addMetric(MetricName.Decisions, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  log.info('choice after the trip recorded', {
    decision: delivering.decision,
    decidedBy: delivering.decidedBy,
  });
  const ts = record.quarantine?.tripMessageTs;
  if (ts && record.slackChannel) {
    try {
      await updateMessage(
        slack,
        { channel: record.slackChannel, ts },
        tripDecidedMessage(record, delivering),
        'show the choice',
      );
    } catch (error) {
      log.warn('could not update the trip message', { error: errorName(error) });
    }
  }
}
