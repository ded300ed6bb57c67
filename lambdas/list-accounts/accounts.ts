import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { MemberAccount } from '../commons/case/organization-sweep-store';

export interface AccountPolicy {
  readonly excludeAccountIds: readonly string[];
  readonly excludeOrganizationalUnitIds: readonly string[];
}

export interface AccountListing {
  readonly accounts: MemberAccount[];
  /** Skipped on purpose: excluded by id or by OU. */
  readonly excluded: string[];
  /** Suspended, closing or not yet active: nobody can sign in there, and the member role may be gone. */
  readonly inactive: string[];
  /**
   * The management account, left out: service-managed StackSets never deploy to it, so it has no
   * member roles, and sweeping it would fail every time. An account-mode deployment covers it.
   */
  readonly managementAccountId?: string;
}

/**
 * Every active account of the organization, minus the excluded ones. An excluded OU excludes the
 * OUs under it too, as an SCP attached to it would apply to them.
 */
export async function listMemberAccounts(
  org: OrganizationsClient,
  policy: AccountPolicy,
): Promise<AccountListing> {
  const all: Account[] = [];
  for await (const page of paginateListAccounts({ client: org }, {})) all.push(...(page.Accounts ?? []));
  const managementAccountId = (await org.send(new DescribeOrganizationCommand({}))).Organization
    ?.MasterAccountId;

  const excluded = new Set(policy.excludeAccountIds);
  for (const ou of policy.excludeOrganizationalUnitIds) {
    for (const accountId of await accountsUnder(org, ou)) excluded.add(accountId);
  }
  const listing = {
    accounts: [] as MemberAccount[],
    excluded: [] as string[],
    inactive: [] as string[],
    ...(managementAccountId ? { managementAccountId } : {}),
  };
  for (const account of all.sort((a, b) => (a.Id ?? '').localeCompare(b.Id ?? ''))) {
    const accountId = account.Id;
    if (!accountId || accountId === managementAccountId) continue;
    if (excluded.has(accountId)) listing.excluded.push(accountId);
    else if ((account.State ?? account.Status) !== 'ACTIVE') listing.inactive.push(accountId);
    else listing.accounts.push({ accountId, name: account.Name ?? accountId });
  }
  return listing;
}

async function accountsUnder(org: OrganizationsClient, parentId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parentId }))
    for (const account of page.Accounts ?? []) if (account.Id) found.push(account.Id);
  for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId }))
    for (const unit of page.OrganizationalUnits ?? [])
      if (unit.Id) found.push(...(await accountsUnder(org, unit.Id)));
  return found;
}
