/**
 * The IAM actions each iam-janitor role may call, in one place with no CDK import, so that the
 * stack grants them and the IAM stand-in enforces exactly the same Deny as the deployed role.
 */

/**
 * The actions that change a user and that IAM authorizes against the user itself, so that the
 * protected-tag condition (`iam:ResourceTag/…`) of the remover's Deny applies to them.
 */
export const USER_MUTATING_ACTIONS = [
  'iam:DeleteLoginProfile',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
  'iam:UpdateSigningCertificate',
  'iam:DeleteSigningCertificate',
  'iam:UpdateSSHPublicKey',
  'iam:DeleteSSHPublicKey',
  'iam:UpdateServiceSpecificCredential',
  'iam:DeleteServiceSpecificCredential',
  'iam:DeactivateMFADevice',
  'iam:DeleteUserPolicy',
  'iam:DetachUserPolicy',
  'iam:DeleteUser',
  'iam:TagUser',
  'iam:UntagUser',
  'iam:AttachUserPolicy',
] as const;

/**
 * IAM authorizes these against the group or the MFA device, not the user, so no condition on the
 * user's tags can guard them. The remover guards them in code instead: it re-reads the user right
 * before each one (see `guardLiveUser` in lambdas/act/act.ts).
 */
export const NON_USER_MUTATING_ACTIONS = [
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
  'iam:DeleteVirtualMFADevice',
] as const;

/**
 * What the one user reader (lambdas/commons/iam/snapshot.ts) calls: the remover plans from it and the
 * context step gathers the evidence with it, so both roles hold exactly these.
 */
export const USER_READ_ACTIONS = [
  'iam:GetUser',
  'iam:GetLoginProfile',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:ListSigningCertificates',
  'iam:ListSSHPublicKeys',
  'iam:ListServiceSpecificCredentials',
  'iam:ListMFADevices',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
] as const;
