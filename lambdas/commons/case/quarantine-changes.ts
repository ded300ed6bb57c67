import type { QuarantineBreach, QuarantineRecord } from './record';
import type { Snapshot } from '../iam/snapshot';

/**
 * What others changed on a quarantined user that the quarantine's promise rests on: the deny
 * still attached, and the permissions the approvers saw (and the snapshot holds). A deny taken off
 * means the user worked normally since; a group, policy or boundary added means the deletion
 * would remove what nobody reviewed, with no snapshot of it. Either trips the quarantine.
 */

/** The deny is still on the user: absent, the quarantine no longer holds. */
export const denyAttached = (live: Snapshot, quarantine: Pick<QuarantineRecord, 'policyArn'>) =>
  live.managedPolicies.includes(quarantine.policyArn);

/** The permission changes since the snapshot, each in a person's words. */
export function permissionChanges(
  before: Snapshot,
  live: Snapshot,
  quarantine: Pick<QuarantineRecord, 'policyArn'>,
): QuarantineBreach[] {
  const changes: string[] = [
    ...listChanges('group', before.groups, live.groups),
    // The deny is the quarantine's own (its absence is a breach of its own, below).
    ...listChanges(
      'managed policy',
      before.managedPolicies.filter((arn) => arn !== quarantine.policyArn),
      live.managedPolicies.filter((arn) => arn !== quarantine.policyArn),
    ),
    ...inlineChanges(before.inlinePolicies, live.inlinePolicies),
  ];
  if (before.permissionsBoundary !== live.permissionsBoundary)
    changes.push(
      `permissions boundary ${before.permissionsBoundary ?? 'none'} became ${live.permissionsBoundary ?? 'none'}`,
    );
  return changes.map((detail) => ({ kind: 'permissions-changed', detail }));
}

function listChanges(what: string, before: readonly string[], live: readonly string[]): string[] {
  return [
    ...live.filter((item) => !before.includes(item)).map((item) => `${what} ${item} added`),
    ...before.filter((item) => !live.includes(item)).map((item) => `${what} ${item} removed`),
  ];
}

function inlineChanges(before: Snapshot['inlinePolicies'], live: Snapshot['inlinePolicies']): string[] {
  const changed = Object.keys(live)
    .filter((name) => name in before && JSON.stringify(before[name]) !== JSON.stringify(live[name]))
    .map((name) => `inline policy ${name} rewritten`);
  return [...listChanges('inline policy', Object.keys(before), Object.keys(live)), ...changed];
}
