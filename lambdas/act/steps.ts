import {
  AttachUserPolicyCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagMFADeviceCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { isActiveCredential as isActive, type Snapshot } from '../commons/iam/snapshot';
import { denyAllPolicyArn, DISABLED_AT_TAG_KEY, MFA_OWNER_TAG_KEY } from '../commons/iam/tags';
import { detachPolicyText } from '../commons/case/outcome';
import { DAY_MS } from '../commons/runtime/time';

/**
 * The steps of each decision, in the order IAM requires. DeleteUser fails with DeleteConflict while
 * any dependent item remains, so the deletion lists every kind IAM knows.
 */

export interface RemovalStep {
  readonly description: string;
  readonly run: (iam: IAMClient) => Promise<unknown>;
  /**
   * IAM authorizes this action against a group or an MFA device, so the role's protected-tag Deny
   * cannot stop it: the runner re-reads the user right before it (see NON_USER_MUTATING_ACTIONS).
   */
  readonly unguardedByIam?: boolean;
}

/**
 * The deletion steps, in the order IAM requires: credentials, MFA, policies, groups, then the user.
 * `leftoverVirtualMfa` are virtual devices an interrupted run of the same user deactivated: IAM no
 * longer lists them under the user, and each is deleted only while it is unassigned and still
 * carries the run's MFA_OWNER_TAG_KEY with this user's id.
 */
export function deletionSteps(plan: Snapshot, leftoverVirtualMfa: readonly string[] = []): RemovalStep[] {
  const UserName = plan.userName;
  const steps: RemovalStep[] = [];
  if (plan.loginProfile)
    steps.push({
      description: 'delete the console password (login profile)',
      run: (iam) => iam.send(new DeleteLoginProfileCommand({ UserName })),
    });
  for (const key of plan.accessKeys) {
    steps.push({
      description: `delete access key ${key.id}`,
      run: (iam) => iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.id })),
    });
  }
  for (const cert of plan.signingCertificates) {
    steps.push({
      description: `delete signing certificate ${cert.id}`,
      run: (iam) => iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: cert.id })),
    });
  }
  for (const key of plan.sshPublicKeys) {
    steps.push({
      description: `delete SSH public key ${key.id}`,
      run: (iam) => iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.id })),
    });
  }
  for (const credential of plan.serviceSpecificCredentials) {
    steps.push({
      description: `delete service-specific credential ${credential.id} (${credential.serviceName})`,
      run: (iam) =>
        iam.send(
          new DeleteServiceSpecificCredentialCommand({
            UserName,
            ServiceSpecificCredentialId: credential.id,
          }),
        ),
    });
  }
  for (const device of plan.mfaDevices) {
    if (device.virtual) steps.push(markVirtualMfaStep(device.serialNumber, plan.userId));
    steps.push({
      description: `deactivate MFA device ${device.serialNumber}`,
      run: (iam) => iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: device.serialNumber })),
    });
    if (device.virtual) {
      // A deactivated virtual device outlives its user unless deleted: the orphan Cloud Custodian leaves behind.
      steps.push(deleteVirtualMfaStep(device.serialNumber));
    }
  }
  for (const serialNumber of leftoverVirtualMfa) steps.push(deleteVirtualMfaStep(serialNumber, true));
  for (const PolicyName of Object.keys(plan.inlinePolicies)) {
    steps.push({
      description: `delete inline policy ${PolicyName}`,
      run: (iam) => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName })),
    });
  }
  for (const PolicyArn of plan.managedPolicies) {
    steps.push({
      description: detachPolicyText(PolicyArn),
      run: (iam) => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn })),
    });
  }
  for (const GroupName of plan.groups) {
    steps.push({
      description: `remove from group ${GroupName}`,
      run: (iam) => iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName })),
      unguardedByIam: true,
    });
  }
  steps.push({
    description: `delete user ${UserName}`,
    run: (iam) => iam.send(new DeleteUserCommand({ UserName })),
  });
  return steps;
}

/** How the record names the tag step: a re-run believes a device's tag only where its record holds it. */
export const markVirtualMfaDescription = (SerialNumber: string, userId: string) =>
  `tag virtual MFA device ${SerialNumber} ${MFA_OWNER_TAG_KEY}=${userId}`;

/** The proof, kept by IAM on the device itself, that it was taken from this user (see MFA_OWNER_TAG_KEY). */
function markVirtualMfaStep(SerialNumber: string, userId: string): RemovalStep {
  return {
    description: markVirtualMfaDescription(SerialNumber, userId),
    run: (iam) =>
      iam.send(new TagMFADeviceCommand({ SerialNumber, Tags: [{ Key: MFA_OWNER_TAG_KEY, Value: userId }] })),
    unguardedByIam: true,
  };
}

function deleteVirtualMfaStep(SerialNumber: string, leftover = false): RemovalStep {
  return {
    description: `delete virtual MFA device ${SerialNumber}${leftover ? ' (deactivated by the interrupted run)' : ''}`,
    run: (iam) => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })),
    unguardedByIam: true,
  };
}

/**
 * Disabling keeps the user and their permissions, and takes away every way in: access keys, SSH
 * keys, service-specific credentials and signing certificates become Inactive (each can be turned
 * on again), and the console password is deleted (IAM cannot deactivate one).
 *
 * None of that ends a session already issued: STS credentials got with the user's keys stay valid
 * until they expire (up to 36 hours) and a console session until it times out, because temporary
 * credentials cannot be revoked. Their permissions are evaluated at every request, though, so the
 * deny-all policy attached first refuses each of them from its next request on (what the console's
 * "Revoke active sessions" does for a role). AWSDenyAll rather than an inline deny: the remover may
 * attach that one policy and no other (see denyAllPolicyArn).
 */
export function disableSteps(plan: Snapshot, now: Date): RemovalStep[] {
  const UserName = plan.userName;
  const Status = 'Inactive' as const;
  const steps: RemovalStep[] = [
    ...denySessionsStep(plan),
    ...plan.accessKeys.filter(isActive).map((key) => ({
      description: `deactivate access key ${key.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.id, Status })),
    })),
    ...plan.sshPublicKeys.filter(isActive).map((key) => ({
      description: `deactivate SSH public key ${key.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.id, Status })),
    })),
    ...plan.serviceSpecificCredentials.filter(isActive).map((credential) => ({
      description: `deactivate service-specific credential ${credential.id} (${credential.serviceName})`,
      run: (iam: IAMClient) =>
        iam.send(
          new UpdateServiceSpecificCredentialCommand({
            UserName,
            ServiceSpecificCredentialId: credential.id,
            Status,
          }),
        ),
    })),
    ...plan.signingCertificates.filter(isActive).map((cert) => ({
      description: `deactivate signing certificate ${cert.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateSigningCertificateCommand({ UserName, CertificateId: cert.id, Status })),
    })),
  ];
  if (plan.loginProfile)
    steps.push({
      description: 'delete the console password (login profile)',
      run: (iam) => iam.send(new DeleteLoginProfileCommand({ UserName })),
    });
  steps.push({
    description: `tag ${DISABLED_AT_TAG_KEY}=${now.toISOString()}`,
    run: (iam) =>
      iam.send(
        new TagUserCommand({
          UserName,
          Tags: [{ Key: DISABLED_AT_TAG_KEY, Value: now.toISOString() }],
        }),
      ),
  });
  return steps;
}

/** The deny-all policy, unless the user held it already (then it is not Disable's to take off). */
function denySessionsStep(plan: Snapshot): RemovalStep[] {
  const PolicyArn = denyAllPolicyArn(plan.arn);
  if (plan.managedPolicies.includes(PolicyArn)) return [];
  return [
    {
      description: `attach the deny-all policy ${PolicyArn} (refuses every session issued before, from its next request on)`,
      run: (iam) => iam.send(new AttachUserPolicyCommand({ UserName: plan.userName, PolicyArn })),
    },
  ];
}

export function keepStep(
  userName: string,
  keepUntilTagKey: string,
  keepDays: number,
  now: Date,
): RemovalStep {
  const until = new Date(now.getTime() + keepDays * DAY_MS).toISOString().slice(0, 10);
  return {
    description: `tag ${keepUntilTagKey}=${until}`,
    run: (iam) =>
      iam.send(new TagUserCommand({ UserName: userName, Tags: [{ Key: keepUntilTagKey, Value: until }] })),
  };
}
