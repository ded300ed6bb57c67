import type { Context } from 'aws-lambda';
import { caseStore } from '../commons/case/stores';
import { clock } from '../commons/runtime/clock';
import type { CaseRecord } from '../commons/case/record';
import { awaitsDecision, awaitsTripChoice } from '../commons/case/lifecycle';
import { janitorConfig } from '../commons/config/env';
import { errorName } from '../commons/runtime/errors';
import { logger } from '../commons/runtime/observability';
import { caseSubject } from '../commons/case/subject';
import { escapeMrkdwn } from '../commons/runtime/text';
import { slackSecrets } from '../commons/config/secrets';
import { callSlack, slackClient } from '../commons/slack/client';
import { HOUR_MS } from '../commons/runtime/time';

/**
 * A reminder is due once reminderHours have passed since the request (or, after a quarantine
 * tripped, since the trip) or the last reminder. A quarantine being watched asks nobody anything.
 */
export function reminderDue(record: CaseRecord, reminderHours: number, now: Date): boolean {
  if (!record.slackTs) return false;
  if (!awaitsDecision(record) && !awaitsTripChoice(record)) return false;
  const asked = Date.parse(askedAt(record));
  const since = Math.max(asked, record.lastReminderAt ? Date.parse(record.lastReminderAt) : asked);
  return now.getTime() - since >= reminderHours * HOUR_MS;
}

/** When the case's current question was asked: the approval request, or the trip. */
const askedAt = (record: CaseRecord) =>
  awaitsTripChoice(record) ? (record.quarantine?.trippedAt ?? record.openedAt) : record.openedAt;

/**
 * Runs hourly from EventBridge Scheduler, outside the case state machine, so that reminders cost no
 * state transitions however long an approval waits.
 */
// Lambda calls a handler with (event, context): the time comes from the clock, never from an argument.
export async function handler(_event?: unknown, context?: Context): Promise<{ reminded: string[] }> {
  if (context) logger.addContext(context);
  const now = clock.now();
  const config = janitorConfig();
  const store = caseStore();
  const reminded: string[] = [];
  let slack: Awaited<ReturnType<typeof slackClient>> | undefined;
  for (const open of await store.openCases()) {
    const record = await store.get(open.caseId);
    if (!record || !reminderDue(record, config.reminderHours, now)) continue;
    slack ??= await slackClient((await slackSecrets()).slackBotToken);
    const expiresAt = new Date(Date.parse(askedAt(record)) + config.approvalTimeoutHours * HOUR_MS);
    const hoursLeft = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / HOUR_MS));
    const kept = record.candidate.kind === 'credential' ? 'credential' : 'user';
    // An account's name, from Organizations, is anyone's text: escaped, it cannot ping or link.
    const subject = escapeMrkdwn(caseSubject(record));
    try {
      await callSlack('post a reminder', () =>
        slack!.chat.postMessage({
          channel: record.slackChannel!,
          thread_ts: record.slackTs!,
          text: awaitsTripChoice(record)
            ? `Reminder: someone tried ${subject}'s credentials during its quarantine, and it still needs Release or Delete now. About ${hoursLeft} h left; without a choice it stays quarantined.`
            : `Reminder: ${subject} still needs a decision. About ${hoursLeft} h left; without one the ${kept} is kept.`,
        }),
      );
      await store.recordReminder(record.caseId, now.toISOString(), (record.reminders ?? 0) + 1);
      reminded.push(record.caseId);
    } catch (error) {
      logger.warn('reminder failed', { caseId: record.caseId, error: errorName(error) });
    }
  }
  return { reminded };
}
