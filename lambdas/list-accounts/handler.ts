import * as v from 'valibot';
import { organizationsClient } from '../commons/runtime/clients';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { listMemberAccounts } from './accounts';
import { nonEmpty } from '../commons/runtime/validate';
import { organizationSweepStore } from '../commons/case/organization-sweep-store';

const eventSchema = v.object({ sweepId: nonEmpty(), startedAt: nonEmpty() });

/**
 * What the organization sweep carries from the listing: counts only, whatever the organization's
 * size. The accounts wait in the case table, ACCOUNT_PAGE_SIZE to a page, one Distributed Map run a
 * page.
 */
export type AccountsOutput =
  | {
      readonly pages: number;
      readonly accounts: number;
      readonly excluded: number;
      readonly inactive: number;
      /** The management account, never swept (no member roles there): the sweep's output says so. */
      readonly managementAccountId: string | null;
      /** accountConcurrency: each Distributed Map run reads its MaxConcurrency from here. */
      readonly concurrency: number;
    }
  | {
      /** Another sweep still holds the organization: this one does nothing, so that two never overlap. */
      readonly overlapping: { readonly sweepId: string; readonly since: string };
    };

/** The organization sweep's first step: the lease, then which accounts the Distributed Map inventories. */
export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async ({ sweepId, startedAt }, log): Promise<AccountsOutput> => {
    const config = janitorConfig();
    const store = organizationSweepStore();
    const now = new Date(startedAt);
    const lease = await store.takeLease(sweepId, now);
    if (!lease.held) {
      log.warn(
        'another organization sweep holds an unexpired lease (still running, or ended without releasing it): this one stops',
        { ...lease },
      );
      return { overlapping: { sweepId: lease.holder, since: lease.since } };
    }
    try {
      const listing = await listMemberAccounts(organizationsClient(), config);
      const pages = await store.writeAccountPages(sweepId, listing.accounts, now);
      log.info('member accounts listed', {
        accounts: listing.accounts.length,
        pages,
        excluded: listing.excluded,
        inactive: listing.inactive,
      });
      return {
        pages,
        accounts: listing.accounts.length,
        excluded: listing.excluded.length,
        inactive: listing.inactive.length,
        managementAccountId: listing.managementAccountId ?? null,
        concurrency: config.accountConcurrency,
      };
    } catch (error) {
      // This sweep ends here (ListAccountsFailed): the next one need not wait for the lease to expire.
      await store.releaseLease(sweepId);
      throw error;
    }
  },
);
