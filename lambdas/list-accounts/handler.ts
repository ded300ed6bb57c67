import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import * as v from 'valibot';
import { organizationsClient, sfnClient } from '../commons/runtime/clients';
import { errorName } from '../commons/runtime/errors';
import { janitorConfig } from '../commons/config/env';
import { taskHandler } from '../commons/runtime/handler';
import { listMemberAccounts } from './accounts';
import { nonEmpty } from '../commons/runtime/validate';
import {
  organizationSweepStore,
  sweepExpiry,
  type ExecutionStatus,
} from '../commons/case/organization-sweep-store';

const eventSchema = v.object({ sweepId: nonEmpty(), executionArn: nonEmpty(), startedAt: nonEmpty() });

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
      /** When the sweep's items expire (epoch seconds): the machine writes a failed account's result with it. */
      readonly expiresAt: number;
    }
  | {
      /** Another sweep still holds the organization: this one does nothing, so that two never overlap. */
      readonly overlapping: { readonly sweepId: string; readonly since: string };
    };

/** The organization sweep's first step: the lease, then which accounts the Distributed Map inventories. */
export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async ({ sweepId, executionArn, startedAt }, log): Promise<AccountsOutput> => {
    const config = janitorConfig();
    const store = organizationSweepStore();
    const now = new Date(startedAt);
    const lease = await store.takeLease(sweepId, executionArn, now, executionStatus);
    if (!lease.held) {
      log.warn('another organization sweep is still running: this one stops', { ...lease });
      return { overlapping: { sweepId: lease.holder, since: lease.since } };
    }
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
      expiresAt: sweepExpiry(now),
    };
  },
);

/** The sweep could not learn whether the lease's holder still runs: it lists nothing. */
export class LeaseCheckFailedError extends Error {
  override name = 'LeaseCheckFailed';
}

/**
 * Whether the lease's holder still runs, as Step Functions says; `unknown` for an execution it has
 * not, or for a holder that is no execution name at all (an item written by hand).
 */
export async function executionStatus(executionArn: string): Promise<ExecutionStatus> {
  try {
    const { status } = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
    return (status ?? 'unknown') as ExecutionStatus;
  } catch (error) {
    const name = errorName(error);
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') return 'unknown';
    throw new LeaseCheckFailedError(
      `Could not ask Step Functions whether ${executionArn}, which holds the organization's lease, still runs (DescribeExecution: ${name}: ${(error as Error).message}). No account was listed; the next sweep asks again.`,
    );
  }
}
