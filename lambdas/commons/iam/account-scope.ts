import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AccountOutOfScopeError } from '../runtime/errors';
import { organizationsSdk } from '../runtime/lazy';

/**
 * Organization mode's scope, checked at every door and not only by the sweep's listing: the context
 * step and the remover refuse a case whose account is out of it, and `offboard` refuses before it
 * starts anything. Out of scope: an account listed in excludeAccountIds, one under an OU of
 * excludeOrganizationalUnitIds (at any depth), one that is not ACTIVE (suspended or closing), and
 * the management account (service-managed StackSets never place the member roles there).
 */

export interface ScopePolicy {
  readonly excludeAccountIds: readonly string[];
  readonly excludeOrganizationalUnitIds: readonly string[];
}

/** Why the account is out of scope, or undefined when iam-janitor may act there. */
export async function outOfScope(
  org: OrganizationsClient,
  accountId: string,
  policy: ScopePolicy,
): Promise<string | undefined> {
  if (policy.excludeAccountIds.includes(accountId))
    return `AWS account ${accountId} is listed in excludeAccountIds`;
  // Loaded here, as organizationsClient loads its client: an account-mode deployment never asks
  // Organizations, and its context and act functions should not load the SDK's Organizations at
  // every cold start.
  const { DescribeAccountCommand, DescribeOrganizationCommand, paginateListParents } = organizationsSdk();
  const { Organization } = await org.send(new DescribeOrganizationCommand({}));
  if (Organization?.MasterAccountId === accountId)
    return `AWS account ${accountId} is the organization's management account, where StackSets place no member roles; cover it with an account-mode deployment of its own`;
  const { Account } = await org.send(new DescribeAccountCommand({ AccountId: accountId }));
  const state = Account?.State ?? Account?.Status;
  if (state !== 'ACTIVE') return `AWS account ${accountId} is ${state ?? 'of unknown state'}, not ACTIVE`;
  const excludedOus = new Set(policy.excludeOrganizationalUnitIds);
  if (excludedOus.size === 0) return undefined;
  // Up the tree to the root: an excluded OU excludes everything below it, as its SCPs would apply.
  let childId = accountId;
  for (let depth = 0; depth < 6; depth++) {
    let parentId: string | undefined;
    let parentType: string | undefined;
    for await (const page of paginateListParents({ client: org }, { ChildId: childId })) {
      parentId ??= page.Parents?.[0]?.Id;
      parentType ??= page.Parents?.[0]?.Type;
    }
    if (!parentId || parentType === 'ROOT') return undefined;
    if (excludedOus.has(parentId))
      return `AWS account ${accountId} is under ${parentId}, listed in excludeOrganizationalUnitIds`;
    childId = parentId;
  }
  return undefined;
}

/** Throws AccountOutOfScopeError with the reason, before anything is read or changed there. */
export async function refuseOutOfScope(
  org: OrganizationsClient,
  accountId: string,
  policy: ScopePolicy,
): Promise<void> {
  const reason = await outOfScope(org, accountId, policy);
  if (reason) throw new AccountOutOfScopeError(`${reason}: iam-janitor acts on no user there.`);
}
