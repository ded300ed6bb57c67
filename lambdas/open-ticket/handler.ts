import * as z from 'zod';
import { caseStore } from '../commons/clients';
import { taskHandler } from '../commons/handler';
import { jiraClient, jiraSettings, openTicket } from '../commons/jira/tracker';

const eventSchema = z.object({ caseId: z.string().min(1) });

/** Opens the case's Jira ticket, or finds the one an earlier attempt opened. */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId }, log): Promise<{ jiraKey: string; jiraUrl: string }> => {
    const store = caseStore();
    const record = await store.require(caseId);
    log.appendKeys({ userName: record.userName });
    if (record.jiraKey && record.jiraUrl) return { jiraKey: record.jiraKey, jiraUrl: record.jiraUrl };
    const settings = await jiraSettings();
    const ticket = await openTicket(await jiraClient(settings), settings, record);
    await store.update(caseId, { jiraKey: ticket.jiraKey, jiraUrl: ticket.jiraUrl });
    log.info('ticket ready', { jiraKey: ticket.jiraKey, reused: ticket.reused });
    return { jiraKey: ticket.jiraKey, jiraUrl: ticket.jiraUrl };
  },
);
