import type { SimAccount, SimUser } from './account';

/** The admin of the scenario: a role session, as people sign in to the console in most accounts. */
export const SCENARIO_ADMIN_SESSION = 'console-admin';

/** One IAM call by the scenario's admin, in CloudTrail as it records a console role session's call. */
export function adminCall(
  account: SimAccount,
  at: Date,
  eventName: string,
  requestParameters: Record<string, unknown>,
): void {
  account.cloudTrail.push({
    region: 'us-east-1',
    username: SCENARIO_ADMIN_SESSION,
    eventTime: at,
    eventName,
    eventSource: 'iam.amazonaws.com',
    sourceIPAddress: '192.0.2.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAADMINROLE00000001:${SCENARIO_ADMIN_SESSION}`,
      arn: `arn:aws:sts::${account.accountId}:assumed-role/Admin/${SCENARIO_ADMIN_SESSION}`,
    },
    requestParameters,
  });
}

/**
 * One IAM call by the user itself, with its first active access key: in CloudTrail under its own
 * identity (the IAM user with its id, as the stand-in records a user's event), and the key's last
 * use moves to it, as IAM records it.
 */
export function ownCall(
  account: SimAccount,
  user: SimUser,
  at: Date,
  eventName: string,
  requestParameters: Record<string, unknown>,
): void {
  const key = user.accessKeys.find((candidate) => candidate.status === 'Active');
  if (!key) throw new Error(`${user.userName} has no active access key to make ${eventName} with`);
  Object.assign(key, { lastUsedDate: at, lastUsedService: 'iam', lastUsedRegion: 'us-east-1' });
  account.cloudTrail.push({
    region: 'us-east-1',
    username: user.userName,
    eventTime: at,
    eventName,
    eventSource: 'iam.amazonaws.com',
    sourceIPAddress: '198.51.100.7',
    accessKeyId: key.id,
    requestParameters,
  });
}
