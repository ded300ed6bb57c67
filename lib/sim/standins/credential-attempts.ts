import { denyAllPolicyArn } from '../../../lambdas/commons/iam/tags';
import { findUser, type SimAccount } from '../account';

/**
 * Someone tries a user's credential, as IAM and CloudTrail record it (ARCHITECTURE.md, "What a
 * quarantine sees"). An identity policy with an explicit deny (AWSDenyAll) refuses every request
 * after authentication, so:
 * - an access key: the request is signed and authenticated, then refused: IAM dates the key's
 *   last use (the last request it signed) and CloudTrail records the call with errorCode
 *   AccessDenied;
 * - the password: a console sign-in is authentication, which no identity policy governs: it
 *   succeeds (ConsoleLogin Success, the password's last use dated), and everything after it is denied;
 * - an SSH key or a service-specific credential: CodeCommit's git call is recorded in CloudTrail
 *   (refused with AccessDenied); IAM keeps no last use of either.
 * Without the deny, the same attempt succeeds and CloudTrail records no error.
 */
export interface CredentialAttempt {
  readonly at: Date;
  /** An access key id, `password`, an SSH key id (APKA…) or a service-specific credential id. */
  readonly credential: string;
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly region?: string;
  readonly sourceIPAddress?: string;
}

export function recordAttempt(account: SimAccount, userName: string, attempt: CredentialAttempt): void {
  const user = findUser(account, userName);
  if (!user) return;
  const denied = user.managedPolicies.includes(denyAllPolicyArn(user.arn));
  const region = attempt.region ?? 'us-east-1';
  const sourceIPAddress = attempt.sourceIPAddress ?? '203.0.113.77';
  // The user's own identity: an event of a role session named like the user is not one of these.
  const identity = {
    username: user.userName,
    userIdentity: { type: 'IAMUser' as const, principalId: user.userId, arn: user.arn },
  };
  const refusal = (action: string) =>
    denied
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: ${user.arn} is not authorized to perform: ${action} with an explicit deny in an identity-based policy`,
        }
      : {};
  if (attempt.credential === 'password') {
    if (!user.password) return;
    user.password.lastUsed = attempt.at;
    account.cloudTrail.push({
      region: 'us-east-1',
      ...identity,
      eventTime: attempt.at,
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      sourceIPAddress,
      responseElements: { ConsoleLogin: 'Success' },
    });
    return;
  }
  const key = user.accessKeys.find((candidate) => candidate.id === attempt.credential);
  if (key) {
    const eventSource = attempt.eventSource ?? 's3.amazonaws.com';
    const eventName = attempt.eventName ?? 'ListBuckets';
    key.lastUsedDate = attempt.at;
    key.lastUsedService = eventSource.replace(/\.amazonaws\.com$/, '');
    key.lastUsedRegion = region;
    account.cloudTrail.push({
      region,
      ...identity,
      eventTime: attempt.at,
      eventName,
      eventSource,
      sourceIPAddress,
      accessKeyId: key.id,
      ...refusal(`${eventSource.split('.')[0]}:${eventName}`),
    });
    return;
  }
  const git = [...user.sshPublicKeys, ...user.serviceSpecificCredentials].some(
    (credential) => credential.id === attempt.credential,
  );
  if (!git) throw new Error(`${userName} has no credential ${attempt.credential} to try`);
  account.cloudTrail.push({
    region,
    ...identity,
    eventTime: attempt.at,
    eventName: attempt.eventName ?? 'GitPull',
    eventSource: 'codecommit.amazonaws.com',
    sourceIPAddress,
    ...refusal(`codecommit:${attempt.eventName ?? 'GitPull'}`),
  });
}
