import type { SimAccount, SimUser } from './account';
import { changeDuringApproval, renameUser } from './account-changes';
import { adminCall } from './admin-trail';
import type { ScenarioAccountRun } from './scenario-accounts';

/**
 * What `duringQuarantine` does to a user, as another admin would in the console: each change is
 * made in the account and recorded in CloudTrail under the admin's identity (IAM's calls land in
 * us-east-1), so that the watcher can name who made it.
 */

export type QuarantineChange = ScenarioAccountRun['fields']['duringQuarantine'][string];

export function changeDuringQuarantine(
  account: SimAccount,
  user: SimUser,
  change: QuarantineChange,
  at: Date,
): void {
  changeDuringApproval(account, user, { tags: change.tags, newAccessKey: change.newAccessKey }, at);
  for (const policyArn of change.detachPolicyArns ?? []) {
    user.managedPolicies = user.managedPolicies.filter((arn) => arn !== policyArn);
    adminCall(account, at, 'DetachUserPolicy', { userName: user.userName, policyArn });
  }
  for (const groupName of change.addGroups ?? []) {
    account.groups.add(groupName);
    if (!user.groups.includes(groupName)) user.groups.push(groupName);
    adminCall(account, at, 'AddUserToGroup', { groupName, userName: user.userName });
  }
  for (const [policyName, document] of Object.entries(change.putInlinePolicies ?? {})) {
    user.inlinePolicies[policyName] = JSON.stringify(document);
    adminCall(account, at, 'PutUserPolicy', { userName: user.userName, policyName });
  }
  if (change.renameTo) renameUser(account, user, change.renameTo, at);
}
