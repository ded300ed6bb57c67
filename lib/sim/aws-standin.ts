import * as http from 'node:http';
import { USER_MUTATING_ACTIONS } from '../iam-actions';
import {
  addUser,
  credentialReportCsv,
  findUser,
  policyExists,
  stableId,
  userArn,
  type SimAccount,
  type SimUser,
} from './account';
import { LoopbackServer, readBody } from './http-standin';

/**
 * A local stand-in for IAM (query protocol, XML), CloudTrail (JSON 1.1) and the two Step Functions
 * task callbacks (JSON 1.0), served over real HTTP so that the real SDK clients, with their real
 * serializers and retry logic, talk to it through the standard AWS_ENDPOINT_URL_* variables.
 *
 * It is faithful where iam-janitor's safety depends on it: DeleteUser fails with DeleteConflict while
 * any dependent item remains, GetUserPolicy returns URL-encoded documents, lists paginate, the
 * credential report is STARTED before it is COMPLETE, and LookupEvents allows 2 calls/s per region.
 */

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
  service: 'iam' | 'cloudtrail' | 'sfn' | 'secretsmanager';
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
  /** Called before an IAM action runs; return an error to fail it (crash injection in tests). */
  beforeIamAction?: (action: string, params: Record<string, string>) => ApiError | undefined;
  onTaskCallback?: TaskCallback;
  /** Secrets Manager secret strings by id (ARN or name). */
  secrets?: Record<string, string>;
  /** LookupEvents allowed per second per region. @default 2 */
  lookupsPerSecond?: number;
  /** Rewrites the credential report before it is served, for the odd rows real reports have. */
  editReport?: (csv: string) => string;
  /** Calls to GenerateCredentialReport answered STARTED before COMPLETE. @default 1 */
  reportStartedCalls?: number;
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

/** The actions the remover's Deny names, without the `iam:` prefix. */
const DENIED_ON_PROTECTED = new Set<string>(USER_MUTATING_ACTIONS.map((action) => action.slice(4)));

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

class StandinError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class AwsStandin extends LoopbackServer {
  readonly calls: CallRecord[] = [];
  private random: () => number;
  private reportCalls = 0;
  private reportReady = false;
  private readonly seenMutations = new Set<string>();
  private readonly lookupTimes = new Map<string, number[]>();

  constructor(
    readonly account: SimAccount,
    readonly options: AwsStandinOptions = {},
  ) {
    super();
    this.random = seededRandom(options.seed ?? 42);
  }

  /** The environment that points every SDK client of iam-janitor at this stand-in. */
  endpointEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_IAM: this.url,
      AWS_ENDPOINT_URL_CLOUDTRAIL: this.url,
      AWS_ENDPOINT_URL_SFN: this.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
    };
  }

  callsOf(action: string): CallRecord[] {
    return this.calls.filter((call) => call.action === action);
  }

  /** Successful mutating IAM calls, the ones that changed the account. */
  mutatingCalls(): CallRecord[] {
    return this.calls.filter(
      (call) => call.service === 'iam' && MUTATING_IAM_ACTIONS.has(call.action) && !call.error,
    );
  }

  protected async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (this.options.faults?.latencyMs)
      await new Promise((resolve) => setTimeout(resolve, this.options.faults!.latencyMs));
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
      if (target.includes('CloudTrail_20131101')) {
        return this.sendJson(
          response,
          200,
          await this.cloudTrail(target.split('.').pop()!, JSON.parse(body || '{}'), request),
        );
      }
      if (target.startsWith('secretsmanager.')) {
        const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
        this.calls.push({ service: 'secretsmanager', action: 'GetSecretValue', params: {}, at: Date.now() });
        const secret = SecretId ? this.options.secrets?.[SecretId] : undefined;
        if (secret === undefined)
          throw new StandinError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          );
        return this.sendJson(response, 200, {
          ARN: SecretId,
          Name: SecretId,
          SecretString: secret,
          VersionId: 'v1',
        });
      }
      if (target.startsWith('AWSStepFunctions.')) {
        return this.sendJson(
          response,
          200,
          await this.stepFunctions(target.split('.').pop()!, JSON.parse(body || '{}')),
        );
      }
      const params = Object.fromEntries(new URLSearchParams(body));
      const result = this.iam(params);
      const action = params.Action!;
      const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<${action}Response xmlns="${IAM_NS}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (error) {
      const failure =
        error instanceof StandinError ? error : new StandinError('ServiceFailure', String(error), 500);
      if (target) {
        const prefix = target.startsWith('AWSStepFunctions')
          ? 'com.amazonaws.states#'
          : 'com.amazonaws.cloudtrail.v20131101#';
        return this.sendJson(response, failure.status, {
          __type: `${prefix}${failure.code}`,
          message: failure.message,
        });
      }
      response.writeHead(failure.status, { 'content-type': 'text/xml' });
      response.end(
        `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
      );
    }
  }

  private sendJson(response: http.ServerResponse, status: number, payload: unknown): void {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(payload ?? {}));
  }

  // ---------------------------------------------------------------- IAM

  private iam(params: Record<string, string>): unknown {
    const action = params.Action ?? '';
    const record: CallRecord = { service: 'iam', action, params, at: Date.now() };
    this.calls.push(record);
    try {
      const injected = this.options.beforeIamAction?.(action, params);
      if (injected) throw new StandinError(injected.code, injected.message, injected.status ?? 400);
      if (this.options.faults?.iamThrottleRate && this.random() < this.options.faults.iamThrottleRate) {
        throw new StandinError('Throttling', 'Rate exceeded', 400);
      }
      if (MUTATING_IAM_ACTIONS.has(action)) {
        if (this.options.faults?.concurrentModificationOnFirstCall && !this.seenMutations.has(action)) {
          this.seenMutations.add(action);
          throw new StandinError(
            'ConcurrentModification',
            `Concurrent modification of ${action}; try again.`,
            409,
          );
        }
        const tag = this.options.denyMutationsOnTag;
        const target = params.UserName ? findUser(this.account, params.UserName) : undefined;
        if (tag && target && DENIED_ON_PROTECTED.has(action) && tag in target.tags) {
          throw new StandinError(
            'AccessDenied',
            `User is not authorized to perform iam:${action}: explicit deny on tag ${tag}`,
            403,
          );
        }
      }
      return this.iamAction(action, params);
    } catch (error) {
      if (error instanceof StandinError) record.error = error.code;
      throw error;
    }
  }

  private user(params: Record<string, string>): SimUser {
    const user = findUser(this.account, params.UserName ?? '');
    if (!user)
      throw new StandinError('NoSuchEntity', `The user with name ${params.UserName} cannot be found.`, 404);
    return user;
  }

  private iamAction(action: string, params: Record<string, string>): unknown {
    const account = this.account;
    switch (action) {
      case 'GenerateCredentialReport': {
        this.reportCalls++;
        if (this.reportCalls > (this.options.reportStartedCalls ?? 1)) this.reportReady = true;
        return {
          State: this.reportReady ? 'COMPLETE' : 'STARTED',
          Description: this.reportReady ? 'Report is ready' : 'Report generation started',
        };
      }
      case 'GetCredentialReport': {
        if (!this.reportReady) {
          throw new StandinError(
            this.reportCalls === 0 ? 'ReportNotPresent' : 'ReportInProgress',
            'Credential report not ready',
            410,
          );
        }
        return {
          Content: Buffer.from(
            (this.options.editReport ?? ((csv: string) => csv))(credentialReportCsv(account)),
          ).toString('base64'),
          ReportFormat: 'text/csv',
          GeneratedTime: new Date().toISOString(),
        };
      }
      case 'ListUsers':
        return this.page(params, 'Users', [...account.users.values()].map(userShape));
      case 'GetUser': {
        const user = this.user(params);
        return {
          User: { ...userShape(user), Tags: tagList(user.tags), PermissionsBoundary: boundaryShape(user) },
        };
      }
      case 'GetAccountAuthorizationDetails': {
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
        return this.page(params, 'UserDetailList', details);
      }
      case 'ListUserTags':
        return this.page(params, 'Tags', tagList(this.user(params).tags));
      case 'GetLoginProfile': {
        const user = this.user(params);
        if (!user.password)
          throw new StandinError(
            'NoSuchEntity',
            `Login Profile for User ${user.userName} cannot be found.`,
            404,
          );
        return {
          LoginProfile: {
            UserName: user.userName,
            CreateDate: iso(user.password.createDate),
            PasswordResetRequired: false,
          },
        };
      }
      case 'ListAccessKeys': {
        const user = this.user(params);
        return this.page(
          params,
          'AccessKeyMetadata',
          user.accessKeys.map((key) => ({
            UserName: user.userName,
            AccessKeyId: key.id,
            Status: key.status,
            CreateDate: iso(key.createDate),
          })),
        );
      }
      case 'GetAccessKeyLastUsed': {
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
      }
      case 'ListSigningCertificates': {
        const user = this.user(params);
        return this.page(
          params,
          'Certificates',
          user.signingCertificates.map((cert) => ({
            UserName: user.userName,
            CertificateId: cert.id,
            CertificateBody: '-----BEGIN CERTIFICATE-----',
            Status: cert.status,
          })),
        );
      }
      case 'ListSSHPublicKeys': {
        const user = this.user(params);
        return this.page(
          params,
          'SSHPublicKeys',
          user.sshPublicKeys.map((key) => ({
            UserName: user.userName,
            SSHPublicKeyId: key.id,
            Status: key.status,
            UploadDate: iso(key.uploadDate ?? user.createDate),
          })),
        );
      }
      case 'ListServiceSpecificCredentials': {
        const user = this.user(params);
        return {
          ServiceSpecificCredentials: user.serviceSpecificCredentials.map((credential) => ({
            UserName: user.userName,
            ServiceSpecificCredentialId: credential.id,
            ServiceName: credential.serviceName,
            ServiceUserName: `${user.userName}-at-${account.accountId}`,
            Status: credential.status,
            CreateDate: iso(credential.createDate ?? user.createDate),
          })),
        };
      }
      case 'ListMFADevices': {
        const user = this.user(params);
        return this.page(
          params,
          'MFADevices',
          user.mfaDevices.map((device) => ({
            UserName: user.userName,
            SerialNumber: device.serialNumber,
            EnableDate: iso(device.enableDate),
          })),
        );
      }
      case 'ListVirtualMFADevices': {
        const devices = [...account.virtualMfaDevices.entries()]
          .filter(([, device]) => {
            const status = params.AssignmentStatus ?? 'Any';
            return status === 'Any' || (status === 'Assigned') === (device.assignedTo !== null);
          })
          .map(([serialNumber, device]) => ({
            SerialNumber: serialNumber,
            ...(device.assignedTo ? { User: userShape(account.users.get(device.assignedTo)!) } : {}),
          }));
        return this.page(params, 'VirtualMFADevices', devices);
      }
      case 'ListUserPolicies':
        return this.page(params, 'PolicyNames', Object.keys(this.user(params).inlinePolicies));
      case 'GetUserPolicy': {
        const user = this.user(params);
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
      }
      case 'ListAttachedUserPolicies':
        return this.page(
          params,
          'AttachedPolicies',
          this.user(params).managedPolicies.map((arn) => ({
            PolicyArn: arn,
            PolicyName: arn.split('/').pop(),
          })),
        );
      case 'ListGroupsForUser': {
        const user = this.user(params);
        return this.page(
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
      }
      case 'DeleteLoginProfile': {
        const user = this.user(params);
        if (!user.password)
          throw new StandinError(
            'NoSuchEntity',
            `Login Profile for User ${user.userName} cannot be found.`,
            404,
          );
        user.password = null;
        return undefined;
      }
      case 'UpdateAccessKey': {
        const key = this.user(params).accessKeys.find((candidate) => candidate.id === params.AccessKeyId);
        if (!key)
          throw new StandinError(
            'NoSuchEntity',
            `The Access Key with id ${params.AccessKeyId} cannot be found.`,
            404,
          );
        key.status = params.Status === 'Active' ? 'Active' : 'Inactive';
        return undefined;
      }
      case 'UpdateSigningCertificate':
        return this.setStatus(
          this.user(params).signingCertificates.find((cert) => cert.id === params.CertificateId),
          params.Status,
          `Signing certificate ${params.CertificateId}`,
        );
      case 'UpdateSSHPublicKey':
        return this.setStatus(
          this.user(params).sshPublicKeys.find((key) => key.id === params.SSHPublicKeyId),
          params.Status,
          `SSH public key ${params.SSHPublicKeyId}`,
        );
      case 'UpdateServiceSpecificCredential':
        return this.setStatus(
          this.user(params).serviceSpecificCredentials.find(
            (credential) => credential.id === params.ServiceSpecificCredentialId,
          ),
          params.Status,
          `Service-specific credential ${params.ServiceSpecificCredentialId}`,
        );
      case 'DeleteAccessKey':
        return this.removeFrom(
          this.user(params).accessKeys,
          (key) => key.id === params.AccessKeyId,
          `Access Key ${params.AccessKeyId}`,
        );
      case 'DeleteSigningCertificate':
        return this.removeFrom(
          this.user(params).signingCertificates,
          (cert) => cert.id === params.CertificateId,
          `Signing Certificate ${params.CertificateId}`,
        );
      case 'DeleteSSHPublicKey':
        return this.removeFrom(
          this.user(params).sshPublicKeys,
          (key) => key.id === params.SSHPublicKeyId,
          `SSH public key ${params.SSHPublicKeyId}`,
        );
      case 'DeleteServiceSpecificCredential':
        return this.removeFrom(
          this.user(params).serviceSpecificCredentials,
          (credential) => credential.id === params.ServiceSpecificCredentialId,
          `Service-specific credential ${params.ServiceSpecificCredentialId}`,
        );
      case 'DeactivateMFADevice': {
        const user = this.user(params);
        this.removeFrom(
          user.mfaDevices,
          (device) => device.serialNumber === params.SerialNumber,
          `MFA device ${params.SerialNumber}`,
        );
        const virtual = account.virtualMfaDevices.get(params.SerialNumber ?? '');
        if (virtual) virtual.assignedTo = null;
        return undefined;
      }
      case 'DeleteVirtualMFADevice': {
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
      }
      case 'DeleteUserPolicy': {
        const user = this.user(params);
        if (!(params.PolicyName! in user.inlinePolicies))
          throw new StandinError(
            'NoSuchEntity',
            `The user policy ${params.PolicyName} cannot be found.`,
            404,
          );
        delete user.inlinePolicies[params.PolicyName!];
        return undefined;
      }
      case 'DetachUserPolicy': {
        const user = this.user(params);
        const before = user.managedPolicies.length;
        user.managedPolicies = user.managedPolicies.filter((arn) => arn !== params.PolicyArn);
        if (user.managedPolicies.length === before)
          throw new StandinError('NoSuchEntity', `Policy ${params.PolicyArn} was not found.`, 404);
        return undefined;
      }
      case 'RemoveUserFromGroup': {
        const user = this.user(params);
        const before = user.groups.length;
        user.groups = user.groups.filter((group) => group !== params.GroupName);
        if (user.groups.length === before)
          throw new StandinError(
            'NoSuchEntity',
            `The user ${user.userName} is not in group ${params.GroupName}.`,
            404,
          );
        return undefined;
      }
      case 'DeleteUser': {
        const user = this.user(params);
        const blocking = dependentItems(user);
        if (blocking.length > 0) {
          throw new StandinError('DeleteConflict', `Cannot delete entity, must ${blocking[0]} first.`, 409);
        }
        account.users.delete(user.userName);
        return undefined;
      }
      case 'TagUser': {
        const user = this.user(params);
        for (const tag of memberList(params, 'Tags')) user.tags[tag.Key ?? ''] = tag.Value ?? '';
        return undefined;
      }
      case 'UntagUser': {
        const user = this.user(params);
        for (const key of memberValues(params, 'TagKeys')) delete user.tags[key];
        return undefined;
      }
      case 'CreateUser': {
        const name = params.UserName ?? '';
        if (findUser(account, name))
          throw new StandinError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
        if (params.PermissionsBoundary) this.requirePolicy(params.PermissionsBoundary);
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
      }
      case 'PutUserPermissionsBoundary': {
        const user = this.user(params);
        this.requirePolicy(params.PermissionsBoundary);
        user.permissionsBoundary = params.PermissionsBoundary ?? null;
        return undefined;
      }
      case 'AddUserToGroup': {
        const user = this.user(params);
        if (!account.groups.has(params.GroupName ?? ''))
          throw new StandinError(
            'NoSuchEntity',
            `The group with name ${params.GroupName} cannot be found.`,
            404,
          );
        if (!user.groups.includes(params.GroupName!)) user.groups.push(params.GroupName!);
        return undefined;
      }
      case 'AttachUserPolicy': {
        const user = this.user(params);
        this.requirePolicy(params.PolicyArn);
        if (!user.managedPolicies.includes(params.PolicyArn!)) user.managedPolicies.push(params.PolicyArn!);
        return undefined;
      }
      case 'PutUserPolicy':
        this.user(params).inlinePolicies[params.PolicyName!] = params.PolicyDocument ?? '';
        return undefined;
      default:
        throw new StandinError('InvalidAction', `The stand-in does not implement ${action}`, 400);
    }
  }

  private setStatus(
    item: { status: 'Active' | 'Inactive' } | undefined,
    status: string | undefined,
    what: string,
  ): undefined {
    if (!item) throw new StandinError('NoSuchEntity', `${what} cannot be found.`, 404);
    if (status !== 'Active' && status !== 'Inactive')
      throw new StandinError('ValidationError', `Status must be Active or Inactive, not ${status}.`, 400);
    item.status = status;
    return undefined;
  }

  private requirePolicy(policyArn: string | undefined): void {
    if (!policyArn || !policyExists(this.account, policyArn))
      throw new StandinError('NoSuchEntity', `Policy ${policyArn} does not exist or is not attachable.`, 404);
  }

  private removeFrom<T>(items: T[], match: (item: T) => boolean, what: string): undefined {
    const index = items.findIndex(match);
    if (index < 0) throw new StandinError('NoSuchEntity', `${what} cannot be found.`, 404);
    items.splice(index, 1);
    return undefined;
  }

  private page<T>(params: Record<string, string>, key: string, items: T[]): Record<string, unknown> {
    const start = Number(params.Marker ?? 0);
    const size = Number(params.MaxItems ?? 100);
    const slice = items.slice(start, start + size);
    const truncated = start + size < items.length;
    return { [key]: slice, IsTruncated: truncated, ...(truncated ? { Marker: String(start + size) } : {}) };
  }

  // ---------------------------------------------------------------- CloudTrail

  private async cloudTrail(
    action: string,
    body: Record<string, unknown>,
    request: http.IncomingMessage,
  ): Promise<unknown> {
    const region =
      /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ??
      'us-east-1';
    const record: CallRecord = { service: 'cloudtrail', action, params: {}, region, at: Date.now() };
    this.calls.push(record);
    if (action !== 'LookupEvents') throw new StandinError('UnknownOperationException', action);
    // LookupEvents: 2 requests per second per region, per account.
    const times = (this.lookupTimes.get(region) ?? []).filter((time) => time > record.at - 1000);
    if (times.length >= (this.options.lookupsPerSecond ?? 2)) {
      record.error = 'ThrottlingException';
      this.lookupTimes.set(region, times);
      throw new StandinError('ThrottlingException', 'Rate exceeded', 400);
    }
    times.push(record.at);
    this.lookupTimes.set(region, times);

    const attributes =
      (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
    const username = attributes.find((attribute) => attribute.AttributeKey === 'Username')?.AttributeValue;
    record.params = { Username: username ?? '' };
    const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : 0;
    const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Number.MAX_SAFE_INTEGER;
    const events = this.account.cloudTrail
      .filter((event) => event.region === region && (!username || event.username === username))
      .filter((event) => event.eventTime.getTime() >= start && event.eventTime.getTime() <= end)
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
    const offset = Number(body.NextToken ?? 0);
    const size = Math.min(Number(body.MaxResults ?? 50), 50);
    const page = events.slice(offset, offset + size);
    return {
      Events: page.map((event, index) => ({
        EventId: stableId(
          '',
          `${event.username}/${event.eventTime.toISOString()}/${index}`,
          32,
        ).toLowerCase(),
        EventName: event.eventName,
        EventSource: event.eventSource,
        EventTime: event.eventTime.getTime() / 1000,
        Username: event.username,
        AccessKeyId: event.accessKeyId,
        ReadOnly: String(/^(Get|List|Describe|Lookup)/.test(event.eventName)),
        CloudTrailEvent: JSON.stringify({
          eventTime: event.eventTime.toISOString(),
          eventName: event.eventName,
          eventSource: event.eventSource,
          awsRegion: region,
          sourceIPAddress: event.sourceIPAddress ?? '198.51.100.7',
          userAgent: event.userAgent ?? 'aws-cli/2.15.0',
          userIdentity: { type: 'IAMUser', userName: event.username },
          ...(event.responseElements ? { responseElements: event.responseElements } : {}),
          ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
        }),
      })),
      ...(offset + size < events.length ? { NextToken: String(offset + size) } : {}),
    };
  }

  // ---------------------------------------------------------------- Step Functions callbacks

  private async stepFunctions(action: string, body: Record<string, string>): Promise<unknown> {
    this.calls.push({
      service: 'sfn',
      action,
      params: { taskToken: body.taskToken ? '(token)' : '' },
      at: Date.now(),
    });
    if (action !== 'SendTaskSuccess' && action !== 'SendTaskFailure')
      throw new StandinError('UnknownOperationException', action);
    const failure = await this.options.onTaskCallback?.({
      action,
      taskToken: body.taskToken ?? '',
      output: body.output,
      error: body.error,
      cause: body.cause,
    });
    if (failure) throw new StandinError(failure.code, failure.message, failure.status ?? 400);
    if (!this.options.onTaskCallback)
      throw new StandinError('InvalidToken', 'No execution is waiting for this token');
    return {};
  }
}

/** What still blocks DeleteUser, in the words IAM uses. */
export function dependentItems(user: SimUser): string[] {
  const blocking: string[] = [];
  if (user.password) blocking.push('delete login profile');
  if (user.accessKeys.length) blocking.push('delete access keys');
  if (user.signingCertificates.length) blocking.push('delete signing certificates');
  if (user.sshPublicKeys.length) blocking.push('delete SSH public keys');
  if (user.serviceSpecificCredentials.length) blocking.push('delete service-specific credentials');
  if (user.mfaDevices.length) blocking.push('remove MFA devices');
  if (Object.keys(user.inlinePolicies).length) blocking.push('delete policies');
  if (user.managedPolicies.length) blocking.push('detach all policies');
  if (user.groups.length) blocking.push('remove user from all groups');
  return blocking;
}

function userShape(user: SimUser) {
  return {
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    Path: user.path,
    CreateDate: iso(user.createDate),
    ...(user.password?.lastUsed ? { PasswordLastUsed: iso(user.password.lastUsed) } : {}),
  };
}

function boundaryShape(user: SimUser) {
  return user.permissionsBoundary
    ? {
        PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        PermissionsBoundaryArn: user.permissionsBoundary,
      }
    : undefined;
}

function tagList(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Reads `Tags.member.1.Key=…&Tags.member.1.Value=…` from a query-protocol request. */
function memberList(params: Record<string, string>, name: string): Record<string, string>[] {
  const members = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(params)) {
    const match = new RegExp(`^${name}\\.member\\.(\\d+)\\.(\\w+)$`).exec(key);
    if (!match) continue;
    const member = members.get(Number(match[1])) ?? {};
    member[match[2]!] = value;
    members.set(Number(match[1]), member);
  }
  return [...members.entries()].sort(([a], [b]) => a - b).map(([, member]) => member);
}

function memberValues(params: Record<string, string>, name: string): string[] {
  return Object.entries(params)
    .filter(([key]) => new RegExp(`^${name}\\.member\\.\\d+$`).test(key))
    .sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map(([, value]) => value);
}

function iso(date: Date): string {
  return date.toISOString();
}

function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => `<${key}>${toXml(child)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function requestId(): string {
  return stableId('', String(Math.random()), 32).toLowerCase();
}

/** mulberry32: a small seeded generator, so injected faults repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
