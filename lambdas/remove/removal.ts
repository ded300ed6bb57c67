import {
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
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListVirtualMFADevicesCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import * as z from 'zod';
import {
  ProtectedUserError,
  UnknownUserError,
  UserBecameActiveError,
  UserChangedError,
  errorName,
  isNoSuchEntity,
} from '../commons/errors';
import { exemptionOf } from '../commons/exemptions';
import { collectPages } from '../commons/pagination';
import { formatTime } from '../commons/text';

/**
 * The one removal routine, shared by the remover Lambda and `iam-janitor delete-user`:
 * plan → guard → re-check → snapshot → remove in a safe order → verify.
 * DeleteUser fails with DeleteConflict while any dependent item remains, so the plan lists every
 * kind IAM knows, and each step treats NoSuchEntity as already done so that a re-run finishes the job.
 */

export const snapshotSchema = z.object({
  schemaVersion: z.literal(1),
  takenAt: z.string(),
  userName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'not an IAM user name'),
  userId: z.string(),
  arn: z.string(),
  path: z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'not an IAM path (it must start and end with "/")'),
  createDate: z.string(),
  permissionsBoundary: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  groups: z.array(z.string()),
  managedPolicies: z.array(z.string().startsWith('arn:', 'not a policy ARN')),
  inlinePolicies: z.record(z.string(), z.record(z.string(), z.unknown())),
  loginProfile: z.object({ createDate: z.string() }).nullable(),
  passwordLastUsed: z.string().nullable(),
  accessKeys: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      createDate: z.string(),
      lastUsedDate: z.string().nullable(),
    }),
  ),
  signingCertificates: z.array(z.object({ id: z.string(), status: z.string() })),
  // uploadDate, createDate and status came after the first snapshots: optional, so those still restore.
  sshPublicKeys: z.array(
    z.object({ id: z.string(), status: z.string(), uploadDate: z.string().nullable().optional() }),
  ),
  serviceSpecificCredentials: z.array(
    z.object({
      id: z.string(),
      serviceName: z.string(),
      status: z.string().optional(),
      createDate: z.string().nullable().optional(),
    }),
  ),
  mfaDevices: z.array(z.object({ serialNumber: z.string(), virtual: z.boolean() })),
});
/** Everything about a user before anything changes: the plan of a removal, and what restore reads. */
export type Snapshot = z.infer<typeof snapshotSchema>;

export interface GuardPolicy {
  readonly protectedTagKey: string;
  readonly exemptUserNames: readonly string[];
  readonly exemptPathPrefixes: readonly string[];
}

export interface RemovalStep {
  readonly description: string;
  readonly run: (iam: IAMClient) => Promise<unknown>;
  /**
   * IAM authorizes this action against a group or an MFA device, so the role's protected-tag Deny
   * cannot stop it: the runner re-reads the user right before it (see NON_USER_MUTATING_ACTIONS).
   */
  readonly unguardedByIam?: boolean;
}

/** Virtual MFA devices have an `arn:…:mfa/…` serial; hardware tokens have a plain serial, FIDO keys a `u2f/` ARN. */
const isVirtualMfa = (serialNumber: string) => /^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serialNumber);

const iso = (date: Date | undefined | null) => (date ? new Date(date).toISOString() : null);

/** Reads every dependent item of the user. Read-only. */
export async function planRemoval(iam: IAMClient, userName: string, now = new Date()): Promise<Snapshot> {
  let user;
  try {
    user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (error) {
    if (isNoSuchEntity(error))
      throw new UnknownUserError(`There is no IAM user named "${userName}" in this account.`, {
        cause: error,
      });
    throw error;
  }
  if (!user?.UserName || !user.Arn || !user.UserId)
    throw new Error(`GetUser returned an incomplete user for ${userName}`);
  const UserName = user.UserName;

  let loginProfile: Snapshot['loginProfile'] = null;
  try {
    const profile = (await iam.send(new GetLoginProfileCommand({ UserName }))).LoginProfile;
    loginProfile = { createDate: iso(profile?.CreateDate) ?? '' };
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }

  const keys = await collectPages(async (Marker) => {
    const page = await iam.send(new ListAccessKeysCommand({ UserName, Marker }));
    return { items: page.AccessKeyMetadata ?? [], marker: page.Marker, truncated: page.IsTruncated };
  });
  const accessKeys = [];
  for (const key of keys) {
    const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
    accessKeys.push({
      id: key.AccessKeyId!,
      status: key.Status ?? 'Active',
      createDate: iso(key.CreateDate) ?? '',
      lastUsedDate: iso(lastUsed.AccessKeyLastUsed?.LastUsedDate),
    });
  }
  const signingCertificates = await collectPages(async (Marker) => {
    const page = await iam.send(new ListSigningCertificatesCommand({ UserName, Marker }));
    return {
      items: (page.Certificates ?? []).map((cert) => ({
        id: cert.CertificateId!,
        status: cert.Status ?? 'Active',
      })),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
  const sshPublicKeys = await collectPages(async (Marker) => {
    const page = await iam.send(new ListSSHPublicKeysCommand({ UserName, Marker }));
    return {
      items: (page.SSHPublicKeys ?? []).map((key) => ({
        id: key.SSHPublicKeyId!,
        status: key.Status ?? 'Active',
        uploadDate: iso(key.UploadDate),
      })),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
  const serviceSpecificCredentials = (
    (await iam.send(new ListServiceSpecificCredentialsCommand({ UserName }))).ServiceSpecificCredentials ?? []
  ).map((credential) => ({
    id: credential.ServiceSpecificCredentialId!,
    serviceName: credential.ServiceName ?? '',
    status: credential.Status ?? 'Active',
    createDate: iso(credential.CreateDate),
  }));
  const mfaDevices = await collectPages(async (Marker) => {
    const page = await iam.send(new ListMFADevicesCommand({ UserName, Marker }));
    return {
      items: (page.MFADevices ?? []).map((device) => ({
        serialNumber: device.SerialNumber!,
        virtual: isVirtualMfa(device.SerialNumber!),
      })),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
  const inlineNames = await collectPages(async (Marker) => {
    const page = await iam.send(new ListUserPoliciesCommand({ UserName, Marker }));
    return { items: page.PolicyNames ?? [], marker: page.Marker, truncated: page.IsTruncated };
  });
  const inlinePolicies: Snapshot['inlinePolicies'] = {};
  for (const PolicyName of inlineNames) {
    const policy = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
    // GetUserPolicy returns the document URL-encoded (RFC 3986); the snapshot keeps it decoded.
    inlinePolicies[PolicyName] = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '%7B%7D')) as Record<
      string,
      unknown
    >;
  }
  const managedPolicies = await collectPages(async (Marker) => {
    const page = await iam.send(new ListAttachedUserPoliciesCommand({ UserName, Marker }));
    return {
      items: (page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn!),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
  const groups = await collectPages(async (Marker) => {
    const page = await iam.send(new ListGroupsForUserCommand({ UserName, Marker }));
    return {
      items: (page.Groups ?? []).map((group) => group.GroupName!),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });

  return {
    schemaVersion: 1,
    takenAt: now.toISOString(),
    userName: UserName,
    userId: user.UserId,
    arn: user.Arn,
    path: user.Path ?? '/',
    createDate: iso(user.CreateDate) ?? '',
    permissionsBoundary: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    tags: Object.fromEntries((user.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? ''])),
    groups,
    managedPolicies,
    inlinePolicies,
    loginProfile,
    passwordLastUsed: iso(user.PasswordLastUsed),
    accessKeys,
    signingCertificates,
    sshPublicKeys,
    serviceSpecificCredentials,
    mfaDevices,
  };
}

/** Protected, exempt-name and exempt-path users are refused before any change. */
export function refuseIfProtected(plan: Snapshot, policy: GuardPolicy): void {
  if (policy.protectedTagKey in plan.tags) {
    throw new ProtectedUserError(
      `${plan.userName} carries the protected tag ${policy.protectedTagKey}; iam-janitor never changes it.`,
    );
  }
  const exemption = exemptionOf(plan.userName, plan.path, policy);
  if (exemption?.by === 'name') {
    throw new ProtectedUserError(
      `${plan.userName} is listed in exemptUserNames; iam-janitor never changes it.`,
    );
  }
  if (exemption?.by === 'path') {
    throw new ProtectedUserError(
      `${plan.userName} is under the exempt path ${exemption.prefix}; iam-janitor never changes it.`,
    );
  }
}

/** The latest recorded use of the password or any key, as read now. */
export function latestUse(plan: Snapshot): string | null {
  const uses = [plan.passwordLastUsed, ...plan.accessKeys.map((key) => key.lastUsedDate)].filter(
    (use): use is string => use !== null,
  );
  return uses.sort().at(-1) ?? null;
}

/** What the approver saw when the case opened; the re-check compares the live user with it. */
export interface CaseExpectations {
  /** The stable id the case was opened for: the same name under another id is another person. */
  readonly userId: string;
  /** When the case opened: a credential issued after it is one the approver never saw. */
  readonly openedAt: string;
  /** The latest use the case was opened on (null: none recorded). */
  readonly lastActivity: string | null;
  /** The credential ids in the evidence, when it was gathered: any other id is new. */
  readonly knownCredentialIds?: readonly string[];
  /** Whether the evidence showed a console password. */
  readonly consoleAccess?: boolean;
}

/** The credential report and IAM keep whole seconds in some places and milliseconds in others. */
const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

/** A different user id under the same name: the person the approver decided about is gone. */
export function verifyIdentity(plan: Pick<Snapshot, 'userName' | 'userId'>, expectedUserId: string): void {
  if (plan.userId !== expectedUserId) {
    throw new UserChangedError(
      `${plan.userName} is now IAM user ${plan.userId}, not ${expectedUserId} as when the case opened: the user was deleted and created again under the same name, and the decision was about someone else.`,
    );
  }
}

/**
 * Stops when the user used a credential after the activity the case was opened on: approval can
 * take days, and a user who came back must not lose their access because of an old decision.
 */
export function recheckActivity(plan: Snapshot, openedOnActivity: string | null, openedAt?: string): void {
  const latest = latestUse(plan);
  if (latest === null) return;
  if (openedOnActivity === null || seconds(latest) > seconds(openedOnActivity)) {
    throw new UserBecameActiveError(
      `${plan.userName} used a credential at ${formatTime(latest)}, after the case${openedAt ? ` opened at ${formatTime(openedAt)}` : ''} on ${openedOnActivity ? `a last use at ${formatTime(openedOnActivity)}` : 'no recorded use'}.`,
    );
  }
}

/** Every credential of the plan with its id and the date it was issued, where IAM says. */
function credentialsOf(plan: Snapshot): { label: string; id: string; issued: string | null | undefined }[] {
  return [
    ...(plan.loginProfile
      ? [{ label: 'console password', id: 'password', issued: plan.loginProfile.createDate }]
      : []),
    ...plan.accessKeys.map((key) => ({ label: `access key ${key.id}`, id: key.id, issued: key.createDate })),
    ...plan.sshPublicKeys.map((key) => ({ label: `SSH key ${key.id}`, id: key.id, issued: key.uploadDate })),
    ...plan.serviceSpecificCredentials.map((credential) => ({
      label: `${credential.serviceName} credential ${credential.id}`,
      id: credential.id,
      issued: credential.createDate,
    })),
  ];
}

/**
 * Stops when a credential appeared after the case opened: a new key or password means someone is
 * onboarding the user again, and it never had a chance to be used, so use alone cannot show it.
 */
export function recheckNewCredentials(plan: Snapshot, expected: CaseExpectations): void {
  const known = expected.knownCredentialIds ? new Set(expected.knownCredentialIds) : undefined;
  const fresh = credentialsOf(plan).filter((credential) => {
    if (credential.issued && seconds(credential.issued) > seconds(expected.openedAt)) return true;
    if (credential.id === 'password') return expected.consoleAccess === false;
    return known !== undefined && !known.has(credential.id);
  });
  if (fresh.length > 0) {
    throw new UserChangedError(
      `${plan.userName} has ${fresh.map((credential) => credential.label).join(', ')} issued since the case opened at ${formatTime(expected.openedAt)}; the approver never saw ${fresh.length === 1 ? 'it' : 'them'}.`,
    );
  }
}

/** The credential ids an evidence record lists, for `CaseExpectations.knownCredentialIds`. */
export function credentialIdsOf(facts: {
  accessKeys: { id: string }[];
  sshPublicKeys?: { id: string }[];
  serviceSpecificCredentials?: { id: string }[];
}): string[] | undefined {
  // Evidence gathered before SSH keys and service credentials were listed cannot vouch for them.
  if (!facts.sshPublicKeys || !facts.serviceSpecificCredentials) return undefined;
  return [
    ...facts.accessKeys.map((key) => key.id),
    ...facts.sshPublicKeys.map((key) => key.id),
    ...facts.serviceSpecificCredentials.map((credential) => credential.id),
  ];
}

/**
 * The deletion steps, in the order IAM requires: credentials, MFA, policies, groups, then the user.
 * `leftoverVirtualMfa` are virtual devices an interrupted run of the same user deactivated: IAM no
 * longer lists them under the user, and each is deleted only while it is still unassigned.
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
      description: `detach managed policy ${PolicyArn}`,
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

function deleteVirtualMfaStep(SerialNumber: string, leftover = false): RemovalStep {
  return {
    description: `delete virtual MFA device ${SerialNumber}${leftover ? ' (deactivated by the interrupted run)' : ''}`,
    run: (iam) => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })),
    unguardedByIam: true,
  };
}

const isActive = (item: { status?: string }) => item.status === undefined || item.status === 'Active';

/**
 * Disabling keeps the user and their permissions, and takes away every way in: access keys, SSH
 * keys, service-specific credentials and signing certificates become Inactive (each can be turned
 * on again), and the console password is deleted (IAM cannot deactivate one).
 */
export function disableSteps(plan: Snapshot, now: Date): RemovalStep[] {
  const UserName = plan.userName;
  const Status = 'Inactive' as const;
  const steps: RemovalStep[] = [
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
    description: `tag iam-janitor:disabled-at=${now.toISOString()}`,
    run: (iam) =>
      iam.send(
        new TagUserCommand({
          UserName,
          Tags: [{ Key: 'iam-janitor:disabled-at', Value: now.toISOString() }],
        }),
      ),
  });
  return steps;
}

export function keepStep(
  userName: string,
  keepUntilTagKey: string,
  keepDays: number,
  now: Date,
): RemovalStep {
  const until = new Date(now.getTime() + keepDays * 86_400_000).toISOString().slice(0, 10);
  return {
    description: `tag ${keepUntilTagKey}=${until}`,
    run: (iam) =>
      iam.send(new TagUserCommand({ UserName: userName, Tags: [{ Key: keepUntilTagKey, Value: until }] })),
  };
}

export interface RunStepsOptions {
  /** Attempts per step on ConcurrentModification; throttling is retried by the client itself. @default 6 */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly onStep?: (step: RemovalStep, result: 'done' | 'already done') => void;
  /** Runs right before every step IAM cannot guard; it throws to stop the run. */
  readonly beforeUnguardedStep?: (step: RemovalStep) => Promise<void>;
}

/** Runs steps in order. NoSuchEntity means another run already did it; ConcurrentModification is retried. */
export async function runSteps(
  iam: IAMClient,
  steps: RemovalStep[],
  options: RunStepsOptions = {},
): Promise<string[]> {
  const done: string[] = [];
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? Number(process.env.IAM_JANITOR_RETRY_BASE_MS ?? 250);
  for (const step of steps) {
    if (step.unguardedByIam) await options.beforeUnguardedStep?.(step);
    for (let attempt = 1; ; attempt++) {
      try {
        await step.run(iam);
        options.onStep?.(step, 'done');
        done.push(step.description);
        break;
      } catch (error) {
        if (isNoSuchEntity(error)) {
          options.onStep?.(step, 'already done');
          done.push(step.description);
          break;
        }
        const retryable = /ConcurrentModification|Throttling/.test(errorName(error));
        if (!retryable || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelayMs * 2 ** attempt));
      }
    }
  }
  return done;
}

/** The user is gone, and no virtual MFA device of theirs is left unassigned. */
export async function verifyDeleted(
  iam: IAMClient,
  plan: Snapshot,
  leftoverVirtualMfa: readonly string[] = [],
): Promise<void> {
  try {
    await iam.send(new GetUserCommand({ UserName: plan.userName }));
    throw new Error(`${plan.userName} still exists after DeleteUser`);
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
  const virtualSerials = new Set([
    ...plan.mfaDevices.filter((device) => device.virtual).map((device) => device.serialNumber),
    ...leftoverVirtualMfa,
  ]);
  if (virtualSerials.size === 0) return;
  const orphans = (await unassignedVirtualMfa(iam)).filter((serial) => virtualSerials.has(serial));
  if (orphans.length > 0)
    throw new Error(`Virtual MFA devices of ${plan.userName} were left behind: ${orphans.join(', ')}`);
}

async function unassignedVirtualMfa(iam: IAMClient): Promise<string[]> {
  return collectPages(async (Marker) => {
    const page = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned', Marker }));
    return {
      items: (page.VirtualMFADevices ?? []).map((device) => device.SerialNumber!),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
}

/**
 * The virtual MFA devices an interrupted run of this same user (same user id) deactivated but did
 * not delete. Only a device that is still unassigned now is one: a device assigned to anyone since
 * is theirs, and is never touched.
 */
export async function leftoverVirtualMfa(
  iam: IAMClient,
  plan: Snapshot,
  earlier: Snapshot | undefined,
): Promise<string[]> {
  if (!earlier || earlier.userId !== plan.userId) return [];
  const current = new Set(plan.mfaDevices.map((device) => device.serialNumber));
  const candidates = earlier.mfaDevices
    .filter((device) => device.virtual && !current.has(device.serialNumber))
    .map((device) => device.serialNumber);
  if (candidates.length === 0) return [];
  const unassigned = new Set(await unassignedVirtualMfa(iam));
  return candidates.filter((serial) => unassigned.has(serial));
}

export type Action = 'delete' | 'disable' | 'keep';

export interface ActInput {
  readonly iam: IAMClient;
  readonly action: Action;
  readonly userName: string;
  readonly policy: GuardPolicy & { readonly keepUntilTagKey: string; readonly keepDays: number };
  /**
   * What the approver saw; the live user must still match it. Undefined skips the re-check (the
   * CLI, where a human reads the live plan right before confirming).
   */
  readonly expected?: CaseExpectations;
  /**
   * The latest use since the case opened of the credentials the credential report cannot show (SSH
   * keys, service-specific credentials), read from CloudTrail. Called only when the user holds one.
   */
  readonly trailUseSince?: (userName: string, since: Date) => Promise<string | undefined>;
  readonly dryRun: boolean;
  readonly now: Date;
  /**
   * The snapshot an interrupted earlier run stored. Once a virtual MFA device is deactivated, IAM
   * no longer lists it under the user, and only this record remembers it (see leftoverVirtualMfa).
   */
  readonly previousSnapshot?: Snapshot;
  /**
   * Must store the snapshot durably; it is awaited before the first change. `planned` is exactly
   * the list of steps that will run, for a person to confirm.
   */
  readonly saveSnapshot: (snapshot: Snapshot, planned: string[]) => Promise<void>;
  readonly onStep?: RunStepsOptions['onStep'];
}

export interface ActResult {
  readonly outcome: 'deleted' | 'disabled' | 'kept' | 'dry-run';
  readonly planned: string[];
  readonly done: string[];
  readonly snapshot?: Snapshot;
}

/**
 * Carries out one decision. Nothing changes before the identity check, the guard, the re-check and
 * the stored snapshot; the steps IAM cannot guard are preceded by a fresh look at the user.
 */
export async function act(input: ActInput): Promise<ActResult> {
  const { iam, action, userName, policy, now } = input;
  if (action === 'keep') return keep(input);
  const plan = await planRemoval(iam, userName, now);
  if (input.expected) verifyIdentity(plan, input.expected.userId);
  refuseIfProtected(plan, policy);
  if (input.expected) await recheck(input, plan, input.expected);
  const leftovers = action === 'delete' ? await leftoverVirtualMfa(iam, plan, input.previousSnapshot) : [];
  const steps = action === 'delete' ? deletionSteps(plan, leftovers) : disableSteps(plan, now);
  const planned = steps.map((step) => step.description);
  await input.saveSnapshot(plan, planned);
  if (input.dryRun) return { outcome: 'dry-run', planned, done: [], snapshot: plan };
  const done = await runSteps(iam, steps, {
    onStep: input.onStep,
    beforeUnguardedStep: () => guardLiveUser(iam, plan, policy),
  });
  if (action === 'delete') await verifyDeleted(iam, plan, leftovers);
  return { outcome: action === 'delete' ? 'deleted' : 'disabled', planned, done, snapshot: plan };
}

async function recheck(input: ActInput, plan: Snapshot, expected: CaseExpectations): Promise<void> {
  recheckActivity(plan, expected.lastActivity, expected.openedAt);
  const unreported = [...plan.sshPublicKeys, ...plan.serviceSpecificCredentials].some(isActive);
  if (unreported && input.trailUseSince) {
    const used = await input.trailUseSince(plan.userName, new Date(expected.openedAt));
    if (used) {
      throw new UserBecameActiveError(
        `${plan.userName} acted at ${formatTime(used)} (CloudTrail), after the case opened at ${formatTime(expected.openedAt)}; they hold an SSH key or service-specific credential the credential report does not show.`,
      );
    }
  }
  recheckNewCredentials(plan, expected);
}

/**
 * The code half of the protected-user rule, for the steps IAM authorizes against a group or an
 * MFA device: the user must still be the same person and still unprotected, read live.
 */
async function guardLiveUser(iam: IAMClient, plan: Snapshot, policy: GuardPolicy): Promise<void> {
  const user = (await iam.send(new GetUserCommand({ UserName: plan.userName }))).User;
  verifyIdentity({ userName: plan.userName, userId: user?.UserId ?? 'unknown' }, plan.userId);
  const tags = Object.fromEntries((user?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  refuseIfProtected({ ...plan, tags, path: user?.Path ?? plan.path }, policy);
}

async function keep(input: ActInput): Promise<ActResult> {
  const { iam, userName, policy, now } = input;
  const step = keepStep(userName, policy.keepUntilTagKey, policy.keepDays, now);
  let user;
  try {
    user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (error) {
    if (isNoSuchEntity(error))
      throw new UnknownUserError(`There is no IAM user named "${userName}" any more; nothing to keep.`, {
        cause: error,
      });
    throw error;
  }
  // The keep-until tag would snooze whoever holds the name now; a different person is not ours to snooze.
  if (input.expected) verifyIdentity({ userName, userId: user?.UserId ?? 'unknown' }, input.expected.userId);
  if (input.dryRun) return { outcome: 'dry-run', planned: [step.description], done: [] };
  // A user protected since the case opened is kept by definition; the role's Deny would refuse the tag.
  if ((user?.Tags ?? []).some((tag) => tag.Key === policy.protectedTagKey))
    return { outcome: 'kept', planned: [], done: [] };
  return {
    outcome: 'kept',
    planned: [step.description],
    done: await runSteps(iam, [step], { onStep: input.onStep }),
  };
}
