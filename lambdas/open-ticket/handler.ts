import * as v from 'valibot';
import type { TicketRef } from '../commons/case-state';
import { caseStore } from '../commons/runtime/clients';
import { clock } from '../commons/runtime/clock';
import { taskHandler } from '../commons/runtime/handler';
import { createCaseTicket, findCaseTicket, jiraClient, jiraSettings } from '../commons/jira/tracker';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({ caseId: nonEmpty() });

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
  async ({ caseId }, log): Promise<TicketRef> => {
    const store = caseStore();
    const record = await store.require(caseId);
    log.appendKeys({ userName: record.userName });
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
