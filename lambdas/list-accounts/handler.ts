import * as v from 'valibot';
import { organizationsClient } from '../commons/runtime/clients';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { listMemberAccounts, type MemberAccount } from './accounts';
import { nonEmpty } from '../commons/runtime/validate';

const eventSchema = v.object({ sweepId: nonEmpty() });

export interface AccountsOutput {
  readonly accounts: MemberAccount[];
  readonly excluded: number;
  readonly inactive: number;
  /** The management account, never swept (no member roles there): the sweep's output says so. */
  readonly managementAccountId: string | null;
  /** accountConcurrency: the Distributed Map reads its MaxConcurrency from here. */
  readonly concurrency: number;
}

/** The organization sweep's first step: which accounts the Distributed Map inventories. */
export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async (_event, log): Promise<AccountsOutput> => {
    const config = janitorConfig();
    const listing = await listMemberAccounts(organizationsClient(), config);
    log.info('member accounts listed', {
      accounts: listing.accounts.length,
      excluded: listing.excluded,
      inactive: listing.inactive,
    });
    return {
      accounts: listing.accounts,
      excluded: listing.excluded.length,
      inactive: listing.inactive.length,
      managementAccountId: listing.managementAccountId ?? null,
      concurrency: config.accountConcurrency,
    };
  },
);
