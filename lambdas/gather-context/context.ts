import type { IAMClient } from '@aws-sdk/client-iam';
import type { Candidate } from '../commons/contracts';
import { UserBecameActiveError, UserChangedError } from '../commons/runtime/errors';
import type { IamFacts } from '../commons/case/evidence';
import { formatTime, wholeSeconds } from '../commons/runtime/text';
import { readUser } from '../commons/iam/snapshot';
import { DAY_MS } from '../commons/runtime/time';

export type { CaseContext, CloudTrailSummary, IamFacts, TrailEvent } from '../commons/case/evidence';

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
    tags: user.tags,
  };
}

/**
 * The credential of a credential case, read live: the access key id for the report's slot (the key
 * whose creation date is the slot's last_rotated), or `password`. A credential that is gone,
 * inactive, replaced, or used within the threshold since the report ends the case before anyone
 * is asked.
 */
export function resolveCredential(
  candidate: Candidate,
  iam: IamFacts,
  thresholdDays: number,
  now: Date,
): string {
  const ref = candidate.credential;
  if (!ref) throw new Error(`Credential case for ${candidate.userName} names no credential`);
  const recent = (used: string | null) =>
    used !== null && now.getTime() - new Date(used).getTime() < thresholdDays * DAY_MS;
  if (ref.kind === 'password') {
    if (!iam.consoleAccess)
      throw new UserChangedError(
        `${candidate.userName} has no console password any more: nothing to decide.`,
      );
    if (
      ref.issuedAt &&
      iam.loginProfileCreated &&
      wholeSeconds(iam.loginProfileCreated) > wholeSeconds(ref.issuedAt)
    )
      throw new UserChangedError(
        `${candidate.userName}'s console password was set again at ${formatTime(iam.loginProfileCreated)}, after the credential report: it is not the one found stale.`,
      );
    if (recent(iam.passwordLastUsed))
      throw new UserBecameActiveError(
        `${candidate.userName}'s console password was used at ${formatTime(iam.passwordLastUsed!)}, within the ${thresholdDays}-day threshold (the credential report lags by up to 4 hours).`,
      );
    return 'password';
  }
  const key = iam.accessKeys.find(
    (candidateKey) =>
      candidateKey.createDate &&
      ref.issuedAt &&
      wholeSeconds(candidateKey.createDate) === wholeSeconds(ref.issuedAt),
  );
  if (!key)
    throw new UserChangedError(
      `${candidate.userName} no longer has the access key of report slot ${ref.slot} (created ${ref.issuedAt ? formatTime(ref.issuedAt) : 'at an unknown time'}): it was deleted or rotated since the report.`,
    );
  if (key.status !== 'Active')
    throw new UserChangedError(
      `${candidate.userName}'s access key ${key.id} is already ${key.status}: nothing to decide.`,
    );
  if (recent(key.lastUsedDate))
    throw new UserBecameActiveError(
      `${candidate.userName}'s access key ${key.id} was used at ${formatTime(key.lastUsedDate!)}, within the ${thresholdDays}-day threshold (the credential report lags by up to 4 hours).`,
    );
  return key.id;
}
