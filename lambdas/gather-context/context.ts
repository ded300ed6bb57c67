import type { IAMClient } from '@aws-sdk/client-iam';
import type { Candidate } from '../commons/contracts/candidate';
import { UserBecameActiveError, UserChangedError } from '../commons/runtime/errors';
import type { IamFacts } from '../commons/case/evidence';
import { formatTime, wholeSeconds } from '../commons/runtime/text';
import { readUser } from '../commons/iam/snapshot';
import { keyOfSlot } from '../commons/iam/key-slots';
import { DAY_MS } from '../commons/runtime/time';

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
  const key = keyOfRef(candidate, ref, iam.accessKeys);
  if (!key)
    throw new UserChangedError(
      `${candidate.userName} no longer has the access key of report slot ${ref.slot} (${ref.accessKeyId ?? `created ${ref.issuedAt ? formatTime(ref.issuedAt) : 'at an unknown time'}`}): it was deleted or rotated since the report.`,
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

/**
 * The live key a slot names: by the id the sweep read, or else by its creation second and what
 * else the report said of the slot (keyOfSlot); two keys alike in all of it are not guessed between.
 */
function keyOfRef(
  candidate: Candidate,
  ref: Extract<NonNullable<Candidate['credential']>, { kind: 'access-key' }>,
  keys: IamFacts['accessKeys'],
): IamFacts['accessKeys'][number] | undefined {
  if (ref.accessKeyId) return keys.find((key) => key.id === ref.accessKeyId);
  const live = keys.map((key) => ({ ...key, lastUsed: key.lastUsedDate }));
  const slot = { slot: ref.slot, issuedAt: ref.issuedAt, active: true, lastUsed: candidate.lastActivity };
  const { key, tied } = keyOfSlot(slot, live);
  if (tied.length > 0)
    throw new UserChangedError(
      `${candidate.userName}'s access keys ${tied.map((found) => found.id).join(' and ')} were created in the same second and match all the credential report says of slot ${ref.slot}: the case cannot tell which one was found stale, so it changes nothing.`,
    );
  return key && keys.find((found) => found.id === key.id);
}
