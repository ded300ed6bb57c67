import * as v from 'valibot';
import type { TicketRef } from '../commons/case-state';
import { caseStore } from '../commons/case/stores';
import { clock } from '../commons/runtime/clock';
import { taskHandler } from '../commons/runtime/handler';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CaseRecord } from '../commons/case/record';
import { attemptText, breachText, tripStory } from '../commons/case/quarantine-text';
import { commentDoc } from '../commons/jira/adf';
import { errorName } from '../commons/runtime/errors';
import {
  callJira,
  createCaseTicket,
  findCaseTicket,
  jiraClient,
  jiraSettings,
} from '../commons/jira/tracker';
import { nonEmpty } from '../commons/runtime/validate';

/** Without a note: open the ticket. With `quarantine-tripped`: comment the quarantine's attempts on it. */
const eventSchema = v.object({ caseId: nonEmpty(), note: v.optional(v.picklist(['quarantine-tripped'])) });

/**
 * How long a retry looks for the ticket an earlier attempt may have created before it creates one:
 * Jira's search shows a new issue within seconds, not at once. Five searches over 15 s, only on an
 * attempt after a create whose answer never came (JIRA_INDEX_WAIT_MS scales it in tests).
 */
const indexWaitsMs = () => {
  const base = Number(process.env.JIRA_INDEX_WAIT_MS ?? 1000);
  return [base, 2 * base, 4 * base, 8 * base];
};

/**
 * Opens the case's Jira ticket once. The key is stored as soon as Jira answers; a retry after a
 * create whose answer was lost looks for that ticket, waiting out the search index, before it
 * creates another.
 */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, note }, log): Promise<TicketRef> => {
    const store = caseStore();
    const record = await store.require(caseId);
    log.appendKeys({ userName: record.userName });
    if (note === 'quarantine-tripped') return commentTrip(record, log);
    if (record.jiraKey && record.jiraUrl) return { jiraKey: record.jiraKey, jiraUrl: record.jiraUrl };
    const settings = await jiraSettings();
    const client = await jiraClient(settings);
    const earlierCreate = record.ticketRequestedAt !== undefined;
    const found = await findCaseTicket(client, settings, caseId, earlierCreate ? indexWaitsMs() : []);
    if (!found) await store.markTicketRequested(caseId, clock.now().toISOString());
    const ticket = found ?? (await createCaseTicket(client, settings, record));
    await store.attachTicket(caseId, ticket);
    log.info('ticket ready', { jiraKey: ticket.jiraKey, reused: Boolean(found) });
    return ticket;
  },
);

/**
 * The attempts that tripped a quarantine, in the ticket at once. Jira being down must not keep the
 * approvers from being asked: the failure is logged, and the closing comment carries them anyway.
 */
async function commentTrip(record: CaseRecord, log: Logger): Promise<TicketRef> {
  const ticket = { jiraKey: record.jiraKey ?? '', jiraUrl: record.jiraUrl ?? '' };
  if (!record.jiraKey || !record.quarantine) return ticket;
  try {
    const settings = await jiraSettings();
    const client = await jiraClient(settings);
    await callJira('comment the quarantine trip', () =>
      client.issueComments.addComment({
        issueIdOrKey: record.jiraKey!,
        comment: commentDoc([
          `Quarantine tripped: ${tripStory(record.quarantine!)} Approvers choose Release or Delete now in Slack.`,
          ...(record.quarantine!.breaches ?? []).map((breach) => `Changed: ${breachText(breach)}.`),
          ...record.quarantine!.attempts.map((attempt) => `Attempt: ${attemptText(attempt)}.`),
        ]) as never,
      }),
    );
  } catch (error) {
    log.warn('could not comment the trip in Jira', { error: errorName(error) });
  }
  return ticket;
}
