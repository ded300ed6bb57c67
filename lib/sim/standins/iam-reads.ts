import { credentialReportCsv, stableId } from '../account';
import {
  boundaryShape,
  iso,
  tagList,
  userShape,
  requireLoginProfile,
  type Handler,
  type IamState,
} from './iam-shapes';
import { StandinError } from './standin-types';
import { listServiceSpecificCredentials } from './iam-service-credentials';

/** IAM's read actions, as the stand-in answers them. */
export function readHandlers(model: IamState): Record<string, Handler> {
  return {
    ...accountReads(model),
    ...loginAndKeyReads(model),
    ...otherCredentialReads(model),
    ...mfaReads(model),
    ...permissionReads(model),
  };
}

/** The credential report and the users themselves. */
function accountReads(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    GenerateCredentialReport: (_params) => {
      model.reportCalls++;
      if (model.reportCalls > (model.options.reportStartedCalls ?? 1)) model.reportReady = true;
      return {
        State: model.reportReady ? 'COMPLETE' : 'STARTED',
        Description: model.reportReady ? 'Report is ready' : 'Report generation started',
      };
    },
    GetCredentialReport: (_params) => {
      if (!model.reportReady) {
        throw new StandinError(
          model.reportCalls === 0 ? 'ReportNotPresent' : 'ReportInProgress',
          'Credential report not ready',
          410,
        );
      }
      return {
        Content: Buffer.from(
          (model.options.editReport ?? ((csv: string) => csv))(credentialReportCsv(account)),
        ).toString('base64'),
        ReportFormat: 'text/csv',
        GeneratedTime: new Date().toISOString(),
      };
    },
    ListAccountAliases: () => ({ AccountAliases: account.alias ? [account.alias] : [], IsTruncated: false }),
    ListUsers: (params) => {
      return model.page(params, 'Users', [...account.users.values()].map(userShape));
    },
    GetUser: (params) => {
      const user = model.user(params);
      return {
        User: { ...userShape(user), Tags: tagList(user.tags), PermissionsBoundary: boundaryShape(user) },
      };
    },
    GetAccountAuthorizationDetails: (params) => {
      // Filter=User: every user with the attributes ListUsers leaves out (tags, groups, policies).
      const details = [...account.users.values()].map((user) => ({
        ...userShape(user),
        Tags: tagList(user.tags),
        GroupList: user.groups,
        AttachedManagedPolicies: user.managedPolicies.map((arn) => ({
          PolicyArn: arn,
          PolicyName: arn.split('/').pop(),
        })),
        UserPolicyList: Object.entries(user.inlinePolicies).map(([PolicyName, document]) => ({
          PolicyName,
          PolicyDocument: encodeURIComponent(document),
        })),
        PermissionsBoundary: boundaryShape(user),
      }));
      return model.page(params, 'UserDetailList', details);
    },
    ListUserTags: (params) => {
      return model.page(params, 'Tags', tagList(model.user(params).tags));
    },
  };
}

/** The console password and the access keys. */
function loginAndKeyReads(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    GetLoginProfile: (params) => {
      const user = model.user(params);
      const password = requireLoginProfile(user);
      return {
        LoginProfile: {
          UserName: user.userName,
          CreateDate: iso(password.createDate),
          PasswordResetRequired: false,
        },
      };
    },
    ListAccessKeys: (params) => {
      const user = model.user(params);
      return model.page(
        params,
        'AccessKeyMetadata',
        user.accessKeys.map((key) => ({
          UserName: user.userName,
          AccessKeyId: key.id,
          Status: key.status,
          CreateDate: iso(key.createDate),
        })),
      );
    },
    GetAccessKeyLastUsed: (params) => {
      for (const user of account.users.values()) {
        const key = user.accessKeys.find((candidate) => candidate.id === params.AccessKeyId);
        if (key) {
          return {
            UserName: user.userName,
            AccessKeyLastUsed: key.lastUsedDate
              ? {
                  LastUsedDate: iso(key.lastUsedDate),
                  ServiceName: key.lastUsedService ?? 'sts',
                  Region: key.lastUsedRegion ?? 'us-east-1',
                }
              : { ServiceName: 'N/A', Region: 'N/A' },
          };
        }
      }
      throw new StandinError('AccessDenied', 'The access key does not exist in this account', 403);
    },
  };
}

/** Signing certificates, SSH keys and service-specific credentials: the credentials the report leaves out. */
function otherCredentialReads(model: IamState): Record<string, Handler> {
  return {
    ListSigningCertificates: (params) => {
      const user = model.user(params);
      return model.page(
        params,
        'Certificates',
        user.signingCertificates.map((cert) => ({
          UserName: user.userName,
          CertificateId: cert.id,
          CertificateBody: '-----BEGIN CERTIFICATE-----',
          Status: cert.status,
        })),
      );
    },
    ListSSHPublicKeys: (params) => {
      const user = model.user(params);
      return model.page(
        params,
        'SSHPublicKeys',
        user.sshPublicKeys.map((key) => ({
          UserName: user.userName,
          SSHPublicKeyId: key.id,
          Status: key.status,
          UploadDate: iso(key.uploadDate ?? user.createDate),
        })),
      );
    },
    ListServiceSpecificCredentials: (params) => listServiceSpecificCredentials(model, params),
  };
}

/** MFA devices, and the virtual ones with their tags. */
function mfaReads(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    ListMFADevices: (params) => {
      const user = model.user(params);
      return model.page(
        params,
        'MFADevices',
        user.mfaDevices.map((device) => ({
          UserName: user.userName,
          SerialNumber: device.serialNumber,
          EnableDate: iso(device.enableDate),
        })),
      );
    },
    ListVirtualMFADevices: (params) => {
      const devices = [...account.virtualMfaDevices.entries()]
        .filter(([, device]) => {
          const status = params.AssignmentStatus ?? 'Any';
          return status === 'Any' || (status === 'Assigned') === (device.assignedTo !== null);
        })
        .map(([serialNumber, device]) => ({
          SerialNumber: serialNumber,
          ...(device.assignedTo ? { User: userShape(account.users.get(device.assignedTo)!) } : {}),
        }));
      return model.page(params, 'VirtualMFADevices', devices);
    },
    ListMFADeviceTags: (params) => {
      const device = account.virtualMfaDevices.get(params.SerialNumber ?? '');
      if (!device)
        throw new StandinError('NoSuchEntity', `MFA device ${params.SerialNumber} cannot be found.`, 404);
      return model.page(params, 'Tags', tagList(device.tags ?? {}));
    },
  };
}

/** Inline and managed policies, and groups. */
function permissionReads(model: IamState): Record<string, Handler> {
  const account = model.account;
  return {
    ListUserPolicies: (params) => {
      return model.page(params, 'PolicyNames', Object.keys(model.user(params).inlinePolicies));
    },
    GetUserPolicy: (params) => {
      const user = model.user(params);
      const document = user.inlinePolicies[params.PolicyName ?? ''];
      if (document === undefined)
        throw new StandinError(
          'NoSuchEntity',
          `The user policy with name ${params.PolicyName} cannot be found.`,
          404,
        );
      // IAM returns policy documents URL-encoded (RFC 3986).
      return {
        UserName: user.userName,
        PolicyName: params.PolicyName,
        PolicyDocument: encodeURIComponent(document),
      };
    },
    ListAttachedUserPolicies: (params) => {
      return model.page(
        params,
        'AttachedPolicies',
        model.user(params).managedPolicies.map((arn) => ({
          PolicyArn: arn,
          PolicyName: arn.split('/').pop(),
        })),
      );
    },
    ListGroupsForUser: (params) => {
      const user = model.user(params);
      return model.page(
        params,
        'Groups',
        user.groups.map((group) => ({
          GroupName: group,
          GroupId: stableId('AGPA', group),
          Arn: `arn:aws:iam::${account.accountId}:group/${group}`,
          Path: '/',
          CreateDate: iso(user.createDate),
        })),
      );
    },
  };
}
