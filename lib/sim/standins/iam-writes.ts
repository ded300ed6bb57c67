import { addUser, applyTags, findUser, stableId, storedTagKey, userArn } from '../account';
import { dependentItems, userShape, requireLoginProfile, type Handler, type IamState } from './iam-shapes';
import { StandinError } from './standin-types';
import { memberList, memberValues } from './xml';

/** IAM's changing actions, as the stand-in applies them to the emulated account. */
export function writeHandlers(model: IamState): Record<string, Handler> {
  return {
    ...credentialUpdates(model),
    ...credentialDeletions(model),
    ...mfaWrites(model),
    ...userRemovals(model),
    ...restoreWrites(model),
  };
}

/** The password deleted, and credentials set Active or Inactive. */
function credentialUpdates(model: IamState): Record<string, Handler> {
  return {
    DeleteLoginProfile: (params) => {
      const user = model.user(params);
      requireLoginProfile(user);
      user.password = null;
      return undefined;
    },
    UpdateAccessKey: (params) => {
      const key = model.user(params).accessKeys.find((candidate) => candidate.id === params.AccessKeyId);
      if (!key)
        throw new StandinError(
          'NoSuchEntity',
          `The Access Key with id ${params.AccessKeyId} cannot be found.`,
          404,
        );
      key.status = params.Status === 'Active' ? 'Active' : 'Inactive';
      return undefined;
    },
    UpdateSigningCertificate: (params) => {
      return model.setStatus(
        model.user(params).signingCertificates.find((cert) => cert.id === params.CertificateId),
        params.Status,
        `Signing certificate ${params.CertificateId}`,
      );
    },
    UpdateSSHPublicKey: (params) => {
      return model.setStatus(
        model.user(params).sshPublicKeys.find((key) => key.id === params.SSHPublicKeyId),
        params.Status,
        `SSH public key ${params.SSHPublicKeyId}`,
      );
    },
    UpdateServiceSpecificCredential: (params) => {
      return model.setStatus(
        model
          .user(params)
          .serviceSpecificCredentials.find(
            (credential) => credential.id === params.ServiceSpecificCredentialId,
          ),
        params.Status,
        `Service-specific credential ${params.ServiceSpecificCredentialId}`,
      );
    },
  };
}

/** Credentials deleted. */
function credentialDeletions(model: IamState): Record<string, Handler> {
  return {
    DeleteAccessKey: (params) => {
      return model.removeFrom(
        model.user(params).accessKeys,
        (key) => key.id === params.AccessKeyId,
        `Access Key ${params.AccessKeyId}`,
      );
    },
    DeleteSigningCertificate: (params) => {
      return model.removeFrom(
        model.user(params).signingCertificates,
        (cert) => cert.id === params.CertificateId,
        `Signing Certificate ${params.CertificateId}`,
      );
    },
    DeleteSSHPublicKey: (params) => {
      return model.removeFrom(
        model.user(params).sshPublicKeys,
        (key) => key.id === params.SSHPublicKeyId,
        `SSH public key ${params.SSHPublicKeyId}`,
      );
    },
    DeleteServiceSpecificCredential: (params) => {
      return model.removeFrom(
        model.user(params).serviceSpecificCredentials,
        (credential) => credential.id === params.ServiceSpecificCredentialId,
        `Service-specific credential ${params.ServiceSpecificCredentialId}`,
      );
    },
  };
}

/** MFA devices deactivated, tagged and deleted. */
function mfaWrites(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    DeactivateMFADevice: (params) => {
      const user = model.user(params);
      model.removeFrom(
        user.mfaDevices,
        (device) => device.serialNumber === params.SerialNumber,
        `MFA device ${params.SerialNumber}`,
      );
      const virtual = account.virtualMfaDevices.get(params.SerialNumber ?? '');
      if (virtual) virtual.assignedTo = null;
      return undefined;
    },
    TagMFADevice: (params) => {
      const device = account.virtualMfaDevices.get(params.SerialNumber ?? '');
      if (!device)
        throw new StandinError('NoSuchEntity', `MFA device ${params.SerialNumber} cannot be found.`, 404);
      device.tags ??= {};
      applyTags(
        device.tags,
        memberList(params, 'Tags').map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })),
      );
      return undefined;
    },
    DeleteVirtualMFADevice: (params) => {
      const device = account.virtualMfaDevices.get(params.SerialNumber ?? '');
      if (!device)
        throw new StandinError(
          'NoSuchEntity',
          `VirtualMFADevice with serial number ${params.SerialNumber} doesn't exist.`,
          404,
        );
      if (device.assignedTo) throw new StandinError('DeleteConflict', 'MFA Device is still in use', 409);
      account.virtualMfaDevices.delete(params.SerialNumber!);
      return undefined;
    },
  };
}

/** Policies, groups and the user removed; tags changed. */
function userRemovals(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    DeleteUserPolicy: (params) => {
      const user = model.user(params);
      if (!(params.PolicyName! in user.inlinePolicies))
        throw new StandinError('NoSuchEntity', `The user policy ${params.PolicyName} cannot be found.`, 404);
      delete user.inlinePolicies[params.PolicyName!];
      return undefined;
    },
    DetachUserPolicy: (params) => {
      const user = model.user(params);
      const before = user.managedPolicies.length;
      user.managedPolicies = user.managedPolicies.filter((arn) => arn !== params.PolicyArn);
      if (user.managedPolicies.length === before)
        throw new StandinError('NoSuchEntity', `Policy ${params.PolicyArn} was not found.`, 404);
      return undefined;
    },
    RemoveUserFromGroup: (params) => {
      const user = model.user(params);
      const before = user.groups.length;
      user.groups = user.groups.filter((group) => group !== params.GroupName);
      if (user.groups.length === before)
        throw new StandinError(
          'NoSuchEntity',
          `The user ${user.userName} is not in group ${params.GroupName}.`,
          404,
        );
      return undefined;
    },
    DeleteUser: (params) => {
      const user = model.user(params);
      const blocking = dependentItems(user);
      if (blocking.length > 0) {
        throw new StandinError('DeleteConflict', `Cannot delete entity, must ${blocking[0]} first.`, 409);
      }
      account.users.delete(user.userName);
      return undefined;
    },
    TagUser: (params) => {
      const user = model.user(params);
      const tags = memberList(params, 'Tags').map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
      applyTags(user.tags, tags);
      return undefined;
    },
    UntagUser: (params) => {
      const user = model.user(params);
      for (const key of memberValues(params, 'TagKeys')) {
        const stored = storedTagKey(user.tags, key);
        if (stored !== undefined) delete user.tags[stored];
      }
      return undefined;
    },
  };
}

/** What a restore calls to create the user again. */
function restoreWrites(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    CreateUser: (params) => {
      const name = params.UserName ?? '';
      if (findUser(account, name))
        throw new StandinError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
      if (params.PermissionsBoundary) model.requirePolicy(params.PermissionsBoundary);
      const path = params.Path ?? '/';
      const created = addUser(account, {
        userName: name,
        path,
        arn: userArn(account.accountId, path, name),
        userId: stableId('AIDA', `${account.accountId}/${name}/${Date.now()}`),
        createDate: new Date(),
        tags: Object.fromEntries(memberList(params, 'Tags').map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        permissionsBoundary: params.PermissionsBoundary ?? null,
      });
      return { User: userShape(created) };
    },
    PutUserPermissionsBoundary: (params) => {
      const user = model.user(params);
      model.requirePolicy(params.PermissionsBoundary);
      user.permissionsBoundary = params.PermissionsBoundary ?? null;
      return undefined;
    },
    AddUserToGroup: (params) => {
      const user = model.user(params);
      if (!account.groups.has(params.GroupName ?? ''))
        throw new StandinError(
          'NoSuchEntity',
          `The group with name ${params.GroupName} cannot be found.`,
          404,
        );
      if (!user.groups.includes(params.GroupName!)) user.groups.push(params.GroupName!);
      return undefined;
    },
    AttachUserPolicy: (params) => {
      const user = model.user(params);
      model.requirePolicy(params.PolicyArn);
      // IAM's default quota of managed policies attached to one user.
      if (!user.managedPolicies.includes(params.PolicyArn!) && user.managedPolicies.length >= 10)
        throw new StandinError('LimitExceeded', 'Cannot exceed quota for PoliciesPerUser: 10', 409);
      if (!user.managedPolicies.includes(params.PolicyArn!)) user.managedPolicies.push(params.PolicyArn!);
      return undefined;
    },
    PutUserPolicy: (params) => {
      model.user(params).inlinePolicies[params.PolicyName!] = params.PolicyDocument ?? '';
      return undefined;
    },
  };
}
