import {
  DetachUserPolicyCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { isActiveCredential as isActive, type Snapshot } from '../commons/iam/snapshot';
import { denyAllPolicyArn, DISABLED_AT_TAG_KEY } from '../commons/iam/tags';
import { locateUser } from '../commons/iam/user-by-id';
import { isNoSuchEntity, UnknownUserError } from '../commons/runtime/errors';
import { runRestoreSteps, type RestoreResult, type RestoreStep } from './restore';

/**
 * The undo of a Disable, for `restore --case` on a disabled user, who still exists: the deny-all
 * policy Disable attached comes off, every credential it turned off is turned on again, and its
 * tag goes. The console password cannot come back: its secret was never stored.
 */

export const PASSWORD_NOT_RESTORED =
  'The console password Disable deleted is not recreated: its secret was never stored. Give the user a new one if they need it:';

/** The steps, for the user under the name it holds now (found by id: an admin may have renamed it). */
export function undoDisableSteps(snapshot: Snapshot, userName: string): RestoreStep[] {
  const UserName = userName;
  const Status = 'Active' as const;
  const PolicyArn = denyAllPolicyArn(snapshot.arn);
  // A deny the user held before Disable was not Disable's: it stays.
  const attachedByDisable = !snapshot.managedPolicies.includes(PolicyArn);
  return [
    ...(attachedByDisable
      ? [
          {
            description: `detach the deny-all policy ${PolicyArn} Disable attached`,
            subject: `the deny-all policy ${PolicyArn}`,
            run: (iam: IAMClient) =>
              alreadyDone(iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn }))),
          },
        ]
      : []),
    ...snapshot.accessKeys.filter(isActive).map((key) => ({
      description: `turn access key ${key.id} back on`,
      subject: `access key ${key.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.id, Status })),
    })),
    ...snapshot.sshPublicKeys.filter(isActive).map((key) => ({
      description: `turn SSH public key ${key.id} back on`,
      subject: `SSH public key ${key.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.id, Status })),
    })),
    ...snapshot.serviceSpecificCredentials.filter(isActive).map((credential) => ({
      description: `turn service-specific credential ${credential.id} (${credential.serviceName}) back on`,
      subject: `service-specific credential ${credential.id}`,
      run: (iam: IAMClient) =>
        iam.send(
          new UpdateServiceSpecificCredentialCommand({
            UserName,
            ServiceSpecificCredentialId: credential.id,
            Status,
          }),
        ),
    })),
    ...snapshot.signingCertificates.filter(isActive).map((cert) => ({
      description: `turn signing certificate ${cert.id} back on`,
      subject: `signing certificate ${cert.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateSigningCertificateCommand({ UserName, CertificateId: cert.id, Status })),
    })),
    {
      description: `untag ${DISABLED_AT_TAG_KEY}`,
      subject: `tag ${DISABLED_AT_TAG_KEY}`,
      run: (iam: IAMClient) => iam.send(new UntagUserCommand({ UserName, TagKeys: [DISABLED_AT_TAG_KEY] })),
    },
  ];
}

/** A policy already detached is the end the step wants, not a failure. */
async function alreadyDone(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

/** Where the disabled user is now, by its id; a user deleted since has nothing left to undo. */
export async function disabledUserName(iam: IAMClient, snapshot: Snapshot): Promise<string> {
  const where = await locateUser(iam, snapshot.userName, snapshot.userId);
  if (where.state === 'gone')
    throw new UnknownUserError(
      `IAM user ${snapshot.userId} (${snapshot.userName} when it was disabled) no longer exists under any name: there is no Disable left to undo.`,
    );
  return where.userName;
}

export async function undoDisable(
  iam: IAMClient,
  snapshot: Snapshot,
  userName: string,
  onStep?: (step: string, result: 'done' | 'failed', reason?: string) => void,
): Promise<RestoreResult> {
  return runRestoreSteps(iam, undoDisableSteps(snapshot, userName), onStep);
}
