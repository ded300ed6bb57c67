import * as v from 'valibot';
import { taskHandler } from '../commons/runtime/handler';
import { jiraSecrets, slackSecrets } from '../commons/config/secrets';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({ sweepId: nonEmpty() });

/**
 * A sweep's first step: the two secrets are filled and well-formed. Without them every case would
 * open and then fail at its ticket or its request, one failure per user; this stops the sweep once,
 * before anything is read or opened, with one message (SecretNotConfiguredError names the secret
 * and what it lacks, never a value) and the failed-sweep alarm.
 */
export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async (_event, log): Promise<{ ready: true }> => {
    await Promise.all([slackSecrets(), jiraSecrets()]);
    log.info('setup complete: both secrets are filled');
    return { ready: true };
  },
);
