import type { SimAccount, SimUser } from './account';

/**
 * What IAM holds of each user left in the account at the end of a simulation (`simulate --json`'s
 * `accountAfter`), read from the stand-in: so that what the case records say (released, still
 * quarantined, disabled) can be checked against what IAM really holds.
 */
export interface UserAfter {
  readonly userId: string;
  readonly attachedPolicyArns: string[];
  readonly inlinePolicyNames: string[];
  readonly groups: string[];
  readonly tags: Record<string, string>;
  /** Every credential that can still be used: access key ids, `password`, SSH key, service credential and certificate ids. */
  readonly activeCredentials: string[];
}

export function accountAfter(
  runs: readonly { readonly accountId?: string; readonly account: SimAccount }[],
): Record<string, UserAfter> {
  const entries = runs.flatMap(({ accountId, account }) =>
    [...account.users.values()].map(
      (user) => [accountId ? `${accountId}/${user.userName}` : user.userName, userAfter(user)] as const,
    ),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

function userAfter(user: SimUser): UserAfter {
  const active = (items: readonly { id: string; status: string }[]) =>
    items.filter((item) => item.status === 'Active').map((item) => item.id);
  return {
    userId: user.userId,
    attachedPolicyArns: [...user.managedPolicies].sort(),
    inlinePolicyNames: Object.keys(user.inlinePolicies).sort(),
    groups: [...user.groups].sort(),
    tags: { ...user.tags },
    activeCredentials: [
      ...(user.password ? ['password'] : []),
      ...active(user.accessKeys),
      ...active(user.sshPublicKeys),
      ...active(user.serviceSpecificCredentials),
      ...active(user.signingCertificates),
    ],
  };
}
