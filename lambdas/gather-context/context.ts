import type { IAMClient } from '@aws-sdk/client-iam';
import type { IamFacts } from '../commons/evidence';
import { readUser } from '../commons/snapshot';

export type { CaseContext, CloudTrailSummary, IamFacts, TrailEvent } from '../commons/evidence';

/**
 * What the user can do and how they can sign in: the permissions half of the evidence, read by the
 * same reader the remover plans from, so that the approver sees what a removal would remove.
 */
export async function gatherIamFacts(iam: IAMClient, userName: string): Promise<IamFacts> {
  const user = await readUser(iam, userName);
  return {
    userId: user.userId,
    groups: user.groups,
    managedPolicies: user.managedPolicies,
    inlinePolicies: Object.keys(user.inlinePolicies),
    accessKeys: user.accessKeys.map((key) => ({
      id: key.id,
      status: key.status,
      createDate: key.createDate || null,
      lastUsedDate: key.lastUsedDate,
      lastUsedService: key.lastUsedService ?? null,
    })),
    sshPublicKeys: user.sshPublicKeys.map((key) => ({
      id: key.id,
      status: key.status,
      uploadDate: key.uploadDate ?? null,
    })),
    serviceSpecificCredentials: user.serviceSpecificCredentials.map((credential) => ({
      id: credential.id,
      serviceName: credential.serviceName,
      status: credential.status ?? 'Active',
      createDate: credential.createDate ?? null,
    })),
    mfaDevices: user.mfaDevices.map((device) => device.serialNumber),
    consoleAccess: user.loginProfile !== null,
    loginProfileCreated: user.loginProfile?.createDate || null,
    passwordLastUsed: user.passwordLastUsed,
    permissionsBoundary: user.permissionsBoundary,
  };
}
