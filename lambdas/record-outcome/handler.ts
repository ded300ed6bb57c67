import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CaseRecord } from '../commons/case/record';
import * as v from 'valibot';
import { caseStateSchema } from '../commons/case-state';
import { caseStore, sweepStore } from '../commons/case/stores';
import { type Outcome } from '../commons/contracts/outcome';
import { configForAccount } from '../commons/config/config';
import { janitorConfig, requireEnv } from '../commons/config/env';
import { clock } from '../commons/runtime/clock';
import { errorName } from '../commons/runtime/errors';
import { taskHandler } from '../commons/runtime/handler';
import { metrics, MetricName } from '../commons/runtime/observability';
import { slackSecrets } from '../commons/config/secrets';
import { callSlack, slackClient, updateMessage } from '../commons/slack/client';
import { jiraClient, jiraSettings, recordOutcomeInJira } from '../commons/jira/tracker';
import { dryRunDetail, outcomeDetail } from '../commons/case/outcome-detail';
import { outcomeComment, outcomeReply, quarantineHeld, stoppedPartway } from '../commons/case/outcome';
import { expiredMessage } from '../commons/slack/messages';
import { tripEndedMessage } from '../commons/slack/quarantine-messages';
import { DAY_MS } from '../commons/runtime/time';
import { nonEmpty } from '../commons/runtime/validate';

/**
 * What RecordOutcome reads of the machine's state: the outcome (a Pass state's, or Act's) and the
 * error. Everything else comes from the case record, the one source of truth; the candidate only
 * names the user when the case never reached the table.
 */
/** RecordOutcome gets the whole state document (`"state.$": "$"`). */
const eventSchema = v.object({ caseId: nonEmpty(), state: caseStateSchema });

export interface RecordResult {
  readonly outcome: Outcome;
  readonly jiraRecorded: boolean;
  readonly slackRecorded: boolean;
}

/**
 * Records the outcome everywhere an auditor will look: a Jira comment and transition, a Slack
 * thread reply, and the closed case record. Jira or Slack being down must not lose the record, so
 * their failures are logged and the case is still closed.
 */
export const handler = taskHandler(
  eventSchema,
  ({ caseId, state }) => ({ caseId, userName: state.candidate.userName }),
  async ({ caseId, state }, log): Promise<RecordResult> => {
    const config = configForAccount(janitorConfig(), state.candidate.accountId);
    const store = caseStore();
    const record = await store.get(caseId);
    const userName = state.candidate.userName;

    // What the machine did is the outcome, always: the Act state's result, or the Pass state that
    // named why nothing was done. Nothing outside the execution writes an outcome.
    // `quarantined` is never an ending: a case that stopped there failed.
    const acted = state.action?.outcome === 'quarantined' ? undefined : state.action?.outcome;
    const outcome: Outcome = state.outcome ?? acted ?? 'failed';
    const detail =
      outcome === 'expired' && record?.decision
        ? `a ${record.decision.decision} decision by ${record.decision.decidedBy} arrived after the approval expired; nothing changed`
        : (changedDuringQuarantine(record, state.error) ??
          (outcome === 'dry-run' ? dryRunDetail(record?.planned) : undefined) ??
          outcomeDetail(outcome, state.error, record?.decision?.decision));
    const facts = record ?? {
      caseId,
      userName,
      candidate: { ...state.candidate, subjectId: state.candidate.subjectId ?? state.candidate.userId },
    };
    const lines = outcomeComment(facts, outcome, detail, requireEnv('CASE_TABLE_NAME'));

    let jiraRecorded = false;
    if (record?.jiraKey) {
      try {
        const settings = await jiraSettings();
        await recordOutcomeInJira(await jiraClient(settings), settings, record.jiraKey, lines);
        jiraRecorded = true;
      } catch (error) {
        log.warn('could not record the outcome in Jira', {
          error: errorName(error),
          message: (error as Error).message,
        });
      }
    }

    const slackRecorded = await recordInSlack(
      { caseId, record, facts, outcome, detail, channel: config.slackChannelId },
      log,
    );

    // A dry run changed nothing, so IAM holds no trace of the decision: the table remembers it, and
    // the next dry-run sweep treats it as the real decision would (a Keep snoozes, the rest answer).
    if (outcome === 'dry-run' && record?.decision) {
      const until =
        record.decision.decision === 'keep'
          ? new Date(clock.now().getTime() + config.keepDays * DAY_MS).toISOString()
          : undefined;
      await sweepStore().rememberDryRunDecision(record.candidate.subjectId, {
        decision: record.decision.decision,
        decidedBy: record.decision.decidedBy,
        decidedAt: record.decision.decidedAt,
        ...(until ? { until } : {}),
      });
    }
    const closing = { outcome, outcomeDetail: detail, closedAt: clock.now().toISOString() };
    // A user left quarantined keeps its open marker: no second case opens for it until a release.
    if (record)
      await store.close(caseId, record.candidate, closing, { holdUser: quarantineHeld(record, outcome) });
    else await store.release(caseId, state.candidate);

    metrics.addDimension('outcome', outcome);
    metrics.addMetric(MetricName.Outcomes, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    // A refusal pages no one, unless it came after the run had changed the user: that half-done
    // removal needs a person, as a failure does.
    if (outcome === 'failed' || (record && stoppedPartway(record, outcome))) {
      metrics.addMetric(MetricName.FailedOutcomes, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
    log.info('case closed', { outcome, jiraRecorded, slackRecorded });
    return { outcome, jiraRecorded, slackRecorded };
  },
);

/** What the watcher found when the user changed during its quarantine: renamed, or gone by its id. */
function changedDuringQuarantine(
  record: CaseRecord | undefined,
  error: { Error: string } | undefined,
): string | undefined {
  const quarantine = record?.quarantine;
  if (error || quarantine?.verdict !== 'changed') return undefined;
  return quarantine.renamedTo
    ? `${record!.userName} was renamed ${quarantine.renamedTo} during its quarantine (the same IAM user ${record!.userId}); nothing was deleted`
    : `IAM user ${record!.userId} (${record!.userName}) was deleted by someone else during its quarantine, or its name now belongs to another user; nothing was deleted by iam-janitor`;
}

/** The thread reply (and, for an expired request, the request marked expired), or a post in the channel. */
async function recordInSlack(
  ending: {
    readonly caseId: string;
    readonly record: CaseRecord | undefined;
    readonly facts: Parameters<typeof outcomeReply>[0];
    readonly outcome: Outcome;
    readonly detail: string | undefined;
    readonly channel: string;
  },
  log: Logger,
): Promise<boolean> {
  const { caseId, record, facts, outcome, detail, channel } = ending;
  try {
    const slack = await slackClient((await slackSecrets()).slackBotToken);
    const text = outcomeReply(facts, outcome, detail);
    if (record?.slackTs && record.slackChannel) {
      if (outcome === 'expired') {
        await updateMessage(
          slack,
          { channel: record.slackChannel, ts: record.slackTs },
          expiredMessage(record),
          'mark the request expired',
        );
      }
      await callSlack('reply in the thread', () =>
        slack.chat.postMessage({ channel: record.slackChannel!, thread_ts: record.slackTs!, text }),
      );
    } else {
      await callSlack('post the outcome', () =>
        slack.chat.postMessage({ channel, text: `iam-janitor case ${caseId}: ${text}` }),
      );
    }
    // The trip message's Release and Delete now would decide nothing once the case is closed.
    const trip = record?.quarantine?.tripMessageTs;
    if (trip)
      await updateMessage(
        slack,
        { channel: record.quarantine?.tripMessageChannel ?? record.slackChannel ?? channel, ts: trip },
        tripEndedMessage(record, text),
        'close the trip message',
      );
    return true;
  } catch (error) {
    log.warn('could not record the outcome in Slack', {
      error: errorName(error),
      message: (error as Error).message,
    });
    return false;
  }
}
