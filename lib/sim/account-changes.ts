import { QUARANTINE_ENDS_TAG_KEY, QUARANTINE_STARTED_TAG_KEY } from '../../lambdas/commons/iam/tags';
import { addUser, applyTags, stableId, type SimAccount, type SimUser } from './account';
import type { Scenario } from './scenario';
import type { CallRecord } from './standins/aws-standin';
import { adminCall } from './admin-trail';

/** A user's changes, in a person's words. */
export interface UserChanges {
  readonly userName: string;
  readonly changes: string[];
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
  const byUser = new Map<string, string[]>();
  for (const call of calls) {
    const userName = userOf(call);
    const list = byUser.get(userName) ?? [];
    list.push(describeChange(call, quarantined.has(userName)));
    byUser.set(userName, list);
  }
  return [...byUser.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([userName, changes]) => ({ userName, changes }));
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
      return `tagged ${p['Tags.member.1.Key']}=${p['Tags.member.1.Value']}`;
    default:
      return call.action;
  }
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
  if (change.tags)
    applyTags(
      user.tags,
      Object.entries(change.tags).map(([Key, Value]) => ({ Key, Value })),
    );
  if (change.groups) {
    user.groups = [...change.groups];
    for (const group of change.groups) account.groups.add(group);
  }
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
