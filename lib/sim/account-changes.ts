import { QUARANTINE_ENDS_TAG_KEY, QUARANTINE_STARTED_TAG_KEY } from '../../lambdas/commons/iam/tags';
import { addUser, applyTags, stableId, type SimAccount, type SimUser } from './account';
import type { Scenario } from './scenario';
import type { CallRecord } from './standins/standin-types';
import { adminCall, ownCall } from './admin-trail';

/** A user's changes, in a person's words. */
export interface UserChanges {
  readonly userName: string;
  /** Every change, in the order made: one per call, each naming everything the call changed. */
  readonly changes: string[];
  /**
   * The dependent items removed (what IAM held of the user: its password, each key, certificate,
   * MFA device, policy and group), each once however many calls it took (an MFA device is
   * tagged, deactivated and deleted); the quarantine's own deny is not one of them.
   */
  readonly removed: string[];
}

/** The account's changes in a person's words: what the stand-in saw succeed, user by user. */
export function changesByUser(
  calls: CallRecord[],
  virtualMfaOwners: Map<string, string | null>,
): UserChanges[] {
  // The MFA device calls name the device only: it belonged to whoever had it when the run began.
  const userOf = (call: CallRecord) =>
    call.params.UserName ?? virtualMfaOwners.get(call.params.SerialNumber ?? '') ?? '(account)';
  // AWSDenyAll is a quarantine's only on a user a quarantine tagged; Disable attaches it too.
  const quarantined = new Set(calls.filter(isQuarantineTagCall).map(userOf));
  const byUser = new Map<string, { changes: string[]; removed: Set<string> }>();
  for (const call of calls) {
    const userName = userOf(call);
    const entry = byUser.get(userName) ?? { changes: [], removed: new Set<string>() };
    const change = describeChange(call, quarantined.has(userName));
    entry.changes.push(change);
    const item = QUARANTINE_CHANGE.test(change) ? undefined : removedItem(call);
    if (item) entry.removed.add(item);
    byUser.set(userName, entry);
  }
  return [...byUser.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([userName, { changes, removed }]) => ({ userName, changes, removed: [...removed] }));
}

/** The dependent item a call removes from the user, named once for all the calls it takes. */
function removedItem(call: CallRecord): string | undefined {
  const p = call.params;
  const device = () => `MFA device ${p.SerialNumber?.split('/').pop()}`;
  const items: Record<string, () => string> = {
    DeleteLoginProfile: () => 'console password',
    DeleteAccessKey: () => `access key ${p.AccessKeyId}`,
    DeleteSigningCertificate: () => `signing certificate ${p.CertificateId}`,
    DeleteSSHPublicKey: () => `SSH key ${p.SSHPublicKeyId}`,
    DeleteServiceSpecificCredential: () => `service credential ${p.ServiceSpecificCredentialId}`,
    DeactivateMFADevice: device,
    DeleteVirtualMFADevice: device,
    DeleteUserPolicy: () => `inline policy ${p.PolicyName}`,
    DetachUserPolicy: () => `policy ${p.PolicyArn}`,
    RemoveUserFromGroup: () => `group ${p.GroupName}`,
  };
  return items[call.action]?.();
}

/** The quarantine's own changes: the deny-all policy and its two tags, on and off. */
export const QUARANTINE_CHANGE = /^quarantine (began|ended): /;

function isQuarantineTagCall(call: CallRecord): boolean {
  const tagKey = call.params['Tags.member.1.Key'] ?? call.params['TagKeys.member.1'];
  return tagKey === QUARANTINE_STARTED_TAG_KEY || tagKey === QUARANTINE_ENDS_TAG_KEY;
}

function describeChange(call: CallRecord, quarantinedUser: boolean): string {
  const p = call.params;
  const quarantine =
    isQuarantineTagCall(call) || (quarantinedUser && /\/AWSDenyAll$/.test(p.PolicyArn ?? ''));
  if (quarantine) {
    const began = call.action === 'AttachUserPolicy' || call.action === 'TagUser';
    return `quarantine ${began ? 'began' : 'ended'}: ${describeOne(call)}`;
  }
  return describeOne(call);
}

function describeOne(call: CallRecord): string {
  const p = call.params;
  switch (call.action) {
    case 'DeleteUser':
      return 'user deleted';
    case 'DeleteLoginProfile':
      return 'console password deleted';
    case 'DeleteAccessKey':
      return `access key ${p.AccessKeyId} deleted`;
    case 'UpdateAccessKey':
      return `access key ${p.AccessKeyId} set ${p.Status}`;
    case 'UpdateSSHPublicKey':
      return `SSH key ${p.SSHPublicKeyId} set ${p.Status}`;
    case 'UpdateServiceSpecificCredential':
      return `service credential ${p.ServiceSpecificCredentialId} set ${p.Status}`;
    case 'UpdateSigningCertificate':
      return `signing certificate ${p.CertificateId} set ${p.Status}`;
    case 'DeleteSigningCertificate':
      return `signing certificate ${p.CertificateId} deleted`;
    case 'DeleteSSHPublicKey':
      return `SSH key ${p.SSHPublicKeyId} deleted`;
    case 'DeleteServiceSpecificCredential':
      return `service credential ${p.ServiceSpecificCredentialId} deleted`;
    case 'DeleteVirtualMFADevice':
      return `virtual MFA device ${p.SerialNumber?.split('/').pop()} deleted`;
    case 'TagMFADevice':
      return `virtual MFA device ${p.SerialNumber?.split('/').pop()} tagged ${p['Tags.member.1.Key']}=${p['Tags.member.1.Value']}`;
    case 'DeactivateMFADevice':
      return `MFA device ${p.SerialNumber?.split('/').pop()} deactivated`;
    case 'DeleteUserPolicy':
      return `inline policy ${p.PolicyName} deleted`;
    case 'AttachUserPolicy':
      return `policy ${p.PolicyArn?.split('/').pop()} attached`;
    case 'UntagUser':
      return `untagged ${Object.keys(p)
        .filter((key) => key.startsWith('TagKeys.member.'))
        .map((key) => p[key])
        .join(', ')}`;
    case 'DetachUserPolicy':
      return `policy ${p.PolicyArn?.split('/').pop()} detached`;
    case 'RemoveUserFromGroup':
      return `removed from group ${p.GroupName}`;
    case 'TagUser':
      return `tagged ${tagsOf(p).join(', ')}`;
    default:
      return call.action;
  }
}

/** Every tag a TagUser call wrote, `key=value`, in its order: a call writes up to 50. */
function tagsOf(params: CallRecord['params']): string[] {
  const tags: string[] = [];
  for (let n = 1; params[`Tags.member.${n}.Key`] !== undefined; n++)
    tags.push(`${params[`Tags.member.${n}.Key`]}=${params[`Tags.member.${n}.Value`] ?? ''}`);
  return tags;
}

/** What `duringApproval` does to a user while the case waits, as an admin would in the console. */
export function changeDuringApproval(
  account: SimAccount,
  user: SimUser,
  change: Scenario['duringApproval'][string],
  now: Date,
): void {
  if (change.recreated) {
    // Deleted and created again: another person with the same name and a new user id.
    account.users.delete(user.userName);
    addUser(account, {
      userName: user.userName,
      path: user.path,
      userId: stableId('AIDA', `${account.accountId}/${user.userName}/recreated`),
      createDate: now,
      password: { createDate: now, lastUsed: null },
    });
    return;
  }
  if (change.newAccessKey) {
    // IAM holds two keys at most: a rotation deletes the second before it creates the new one.
    user.accessKeys.splice(1, 1, {
      id: stableId('AKIA', `${user.userId}/new-key`, 16),
      status: 'Active',
      createDate: now,
      lastUsedDate: null,
    });
  }
  if (change.tags) tagUser(account, user, change.tags, change.tagsBy ?? 'admin', now);
  if (change.groups) {
    user.groups = [...change.groups];
    for (const group of change.groups) account.groups.add(group);
  }
}

/**
 * A TagUser call on the user, by the scenario's admin or by the user itself (with its own key),
 * recorded in CloudTrail as IAM records it: `{userName, tags: [{key, value}]}`.
 */
function tagUser(
  account: SimAccount,
  user: SimUser,
  tags: Record<string, string>,
  by: 'admin' | 'self',
  at: Date,
): void {
  applyTags(
    user.tags,
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  );
  const call = {
    userName: user.userName,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
  if (by === 'self') ownCall(account, user, at, 'TagUser', call);
  else adminCall(account, at, 'TagUser', call);
}

/**
 * An admin's UpdateUser --new-user-name: the same user (its id, credentials, policies, groups and
 * tags) under a new name and ARN, recorded in CloudTrail. IAM refuses a name another user holds,
 * in any letter case.
 */
export function renameUser(account: SimAccount, user: SimUser, newName: string, at?: Date): void {
  const holder = [...account.users.values()].find(
    (other) => other !== user && other.userName.toLowerCase() === newName.toLowerCase(),
  );
  if (holder) throw new Error(`renameTo: ${newName} is already the name of another user`);
  adminCall(account, at ?? lastEventTime(account), 'UpdateUser', {
    userName: user.userName,
    newUserName: newName,
  });
  account.users.delete(user.userName);
  user.arn = `${user.arn.slice(0, user.arn.length - user.userName.length)}${newName}`;
  user.userName = newName;
  account.users.set(newName, user);
}

/** A change a test makes with no time of its own: just after the latest event CloudTrail holds. */
function lastEventTime(account: SimAccount): Date {
  const latest = Math.max(0, ...account.cloudTrail.map((event) => event.eventTime.getTime()));
  return new Date(latest + 1000);
}
