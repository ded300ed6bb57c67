import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { CloudTrailSummary } from '../commons/cloudtrail';
import { isNoSuchEntity } from '../commons/errors';

export type { CloudTrailSummary, TrailEvent } from '../commons/cloudtrail';

export interface IamFacts {
  /** The user's stable id when the evidence was read; a different id under the name is another person. */
  readonly userId?: string;
  readonly groups: string[];
  readonly managedPolicies: string[];
  readonly inlinePolicies: string[];
  readonly accessKeys: {
    id: string;
    status: string;
    createDate: string | null;
    lastUsedDate: string | null;
    lastUsedService: string | null;
  }[];
  /** CodeCommit SSH keys: the credential report does not show them. */
  readonly sshPublicKeys?: { id: string; status: string; uploadDate: string | null }[];
  /** CodeCommit HTTPS, Bedrock or Keyspaces credentials: the credential report does not show them either. */
  readonly serviceSpecificCredentials?: {
    id: string;
    serviceName: string;
    status: string;
    createDate: string | null;
  }[];
  readonly mfaDevices: string[];
  readonly consoleAccess: boolean;
  readonly loginProfileCreated?: string | null;
  readonly passwordLastUsed: string | null;
  readonly permissionsBoundary: string | null;
}

export interface CaseContext {
  readonly gatheredAt: string;
  readonly iam: IamFacts;
  readonly cloudTrail: CloudTrailSummary;
}

/** What the user can do and how they can sign in: the permissions half of the evidence. */
export async function gatherIamFacts(iam: IAMClient, userName: string): Promise<IamFacts> {
  const UserName = userName;
  const [user, groups, attached, inline, keys, mfa, ssh, serviceCredentials] = await Promise.all([
    iam.send(new GetUserCommand({ UserName })),
    iam.send(new ListGroupsForUserCommand({ UserName })),
    iam.send(new ListAttachedUserPoliciesCommand({ UserName })),
    iam.send(new ListUserPoliciesCommand({ UserName })),
    iam.send(new ListAccessKeysCommand({ UserName })),
    iam.send(new ListMFADevicesCommand({ UserName })),
    iam.send(new ListSSHPublicKeysCommand({ UserName })),
    iam.send(new ListServiceSpecificCredentialsCommand({ UserName })),
  ]);
  let loginProfileCreated: string | null = null;
  let consoleAccess = true;
  try {
    const profile = await iam.send(new GetLoginProfileCommand({ UserName }));
    loginProfileCreated = profile.LoginProfile?.CreateDate?.toISOString() ?? null;
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
    consoleAccess = false;
  }
  const accessKeys = [];
  for (const key of keys.AccessKeyMetadata ?? []) {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
    accessKeys.push({
      id: key.AccessKeyId!,
      status: key.Status ?? 'unknown',
      createDate: key.CreateDate?.toISOString() ?? null,
      lastUsedDate: used.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null,
      lastUsedService: used.AccessKeyLastUsed?.LastUsedDate
        ? (used.AccessKeyLastUsed.ServiceName ?? null)
        : null,
    });
  }
  return {
    userId: user.User?.UserId,
    groups: (groups.Groups ?? []).map((group) => group.GroupName!),
    managedPolicies: (attached.AttachedPolicies ?? []).map((policy) => policy.PolicyArn!),
    inlinePolicies: inline.PolicyNames ?? [],
    accessKeys,
    sshPublicKeys: (ssh.SSHPublicKeys ?? []).map((key) => ({
      id: key.SSHPublicKeyId!,
      status: key.Status ?? 'unknown',
      uploadDate: key.UploadDate?.toISOString() ?? null,
    })),
    serviceSpecificCredentials: (serviceCredentials.ServiceSpecificCredentials ?? []).map((credential) => ({
      id: credential.ServiceSpecificCredentialId!,
      serviceName: credential.ServiceName ?? 'unknown',
      status: credential.Status ?? 'unknown',
      createDate: credential.CreateDate?.toISOString() ?? null,
    })),
    mfaDevices: (mfa.MFADevices ?? []).map((device) => device.SerialNumber!),
    consoleAccess,
    loginProfileCreated,
    passwordLastUsed: user.User?.PasswordLastUsed?.toISOString() ?? null,
    permissionsBoundary: user.User?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
  };
}
