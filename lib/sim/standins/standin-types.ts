/** The shapes the AWS stand-in shares with its parts and with the tests that drive it. */

export interface StandinFaults {
  /** Fraction of IAM calls answered with Throttling, from a seeded generator. */
  iamThrottleRate?: number;
  /** Answer the first call of each mutating action with ConcurrentModification. */
  concurrentModificationOnFirstCall?: boolean;
  /** Added to every response. */
  latencyMs?: number;
}

export interface ApiError {
  code: string;
  message: string;
  status?: number;
}

export interface TaskCallback {
  (call: {
    action: 'SendTaskSuccess' | 'SendTaskFailure';
    taskToken: string;
    output?: string;
    error?: string;
    cause?: string;
  }): void | ApiError | Promise<void | ApiError>;
}

export interface CallRecord {
  service: 'iam' | 'account' | 'cloudtrail' | 'sfn' | 'secretsmanager' | 'sts' | 'cloudformation' | 'sns';
  action: string;
  params: Record<string, string>;
  region?: string;
  at: number;
  /** The error code the stand-in answered with, if any. */
  error?: string;
}

export interface AwsStandinOptions {
  faults?: StandinFaults;
  seed?: number;
  /**
   * Emulates the remover role's IAM Deny: the actions IAM authorizes against the user
   * (USER_MUTATING_ACTIONS) are AccessDenied on a user with this tag. As in IAM, the actions
   * authorized against a group or an MFA device are not.
   */
  denyMutationsOnTag?: string;
  /**
   * The identities the Deny applies to, as IAM applies it to the role that holds it: requests
   * signed with one of `accessKeyIds` (the remover function's own), or through a member role whose
   * name ends with `memberRoleSuffix` (`-remover`). Unset: every caller.
   */
  denyOnlyFor?: { readonly accessKeyIds: readonly string[]; readonly memberRoleSuffix?: string };
  /** Called before an IAM action runs; return an error to fail it (crash injection in tests). */
  beforeIamAction?: (action: string, params: Record<string, string>) => ApiError | undefined;
  onTaskCallback?: TaskCallback;
  /** Secrets Manager secret strings by id (ARN or name). */
  secrets?: Record<string, string>;
  /** LookupEvents allowed per second (per lookupWindowMs) per region. @default 2 */
  lookupsPerSecond?: number;
  /**
   * The window lookupsPerSecond counts in: a second of real time, or the same fraction of it as the
   * lambdas' pacing (IAM_JANITOR_LOOKUP_PACE) when the simulator runs faster. @default 1000
   */
  lookupWindowMs?: number;
  /** Rewrites the credential report before it is served, for the odd rows real reports have. */
  editReport?: (csv: string) => string;
  /** Calls to GenerateCredentialReport answered STARTED before COMPLETE. @default 1 */
  reportStartedCalls?: number;
  /** CloudFormation stacks by name, each with its outputs (DescribeStacks). */
  stacks?: Record<string, Record<string, string>>;
  /**
   * The IAM roles the policy simulator knows (SimulatePrincipalPolicy), by ARN, each with the
   * actions its policies do not allow and the actions an SCP of the organization denies.
   */
  roles?: Record<string, { implicitlyDenied?: string[]; deniedByOrganizations?: string[] }>;
  /** SNS topics by ARN, each with its subscriptions (ListSubscriptionsByTopic). */
  topics?: Record<string, { protocol: string; endpoint: string; confirmed: boolean }[]>;
}

export const MUTATING_IAM_ACTIONS = new Set([
  'DeleteLoginProfile',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'UpdateSigningCertificate',
  'DeleteSigningCertificate',
  'UpdateSSHPublicKey',
  'DeleteSSHPublicKey',
  'UpdateServiceSpecificCredential',
  'DeleteServiceSpecificCredential',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
  'TagMFADevice',
  'DeleteUserPolicy',
  'DetachUserPolicy',
  'RemoveUserFromGroup',
  'DeleteUser',
  'TagUser',
  'UntagUser',
  'CreateUser',
  'PutUserPermissionsBoundary',
  'AddUserToGroup',
  'AttachUserPolicy',
  'PutUserPolicy',
  'CreateLoginProfile',
]);

export class StandinError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
