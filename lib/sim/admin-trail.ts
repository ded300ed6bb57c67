import type { SimAccount } from './account';

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
