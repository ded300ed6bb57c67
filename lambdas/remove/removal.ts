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
  type IAMClient,
} from '@aws-sdk/client-iam';
import * as z from 'zod';
import {
  ProtectedUserError,
  UnknownUserError,
  UserBecameActiveError,
  errorName,
  isNoSuchEntity,
} from '../commons/errors';
import { exemptionOf } from '../commons/exemptions';
import { collectPages } from '../commons/pagination';

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
  sshPublicKeys: z.array(z.object({ id: z.string(), status: z.string() })),
  serviceSpecificCredentials: z.array(z.object({ id: z.string(), serviceName: z.string() })),
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
    loginProfile = { createDate: iso(profile?.CreateDate) ?? now.toISOString() };
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

/**
 * Stops when the user used a credential after the activity the case was opened on: approval can
 * take days, and a user who came back must not lose their access because of an old decision.
 */
export function recheckActivity(plan: Snapshot, openedOnActivity: string | null): void {
  const now = latestUse(plan);
  if (now === null) return;
  // The credential report the case was opened on keeps whole seconds; the APIs read now may add
  // milliseconds. Compare whole seconds, or the same use would look newer than itself.
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  if (openedOnActivity === null || seconds(now) > seconds(openedOnActivity)) {
    throw new UserBecameActiveError(
      `${plan.userName} used a credential at ${now}, after the case was opened on ${openedOnActivity ?? 'no recorded use'}; nothing was changed.`,
    );
  }
}

/** The deletion steps, in the order IAM requires: credentials, MFA, policies, groups, then the user. */
export function deletionSteps(plan: Snapshot): RemovalStep[] {
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
      steps.push({
        description: `delete virtual MFA device ${device.serialNumber}`,
        run: (iam) => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.serialNumber })),
      });
    }
  }
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
    });
  }
  steps.push({
    description: `delete user ${UserName}`,
    run: (iam) => iam.send(new DeleteUserCommand({ UserName })),
  });
  return steps;
}

/** Disabling keeps the user and their permissions, and takes away every way to sign in. */
export function disableSteps(plan: Snapshot, now: Date): RemovalStep[] {
  const UserName = plan.userName;
  const steps: RemovalStep[] = plan.accessKeys
    .filter((key) => key.status === 'Active')
    .map((key) => ({
      description: `deactivate access key ${key.id}`,
      run: (iam: IAMClient) =>
        iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.id, Status: 'Inactive' })),
    }));
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
export async function verifyDeleted(iam: IAMClient, plan: Snapshot): Promise<void> {
  try {
    await iam.send(new GetUserCommand({ UserName: plan.userName }));
    throw new Error(`${plan.userName} still exists after DeleteUser`);
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
  const virtualSerials = new Set(
    plan.mfaDevices.filter((device) => device.virtual).map((device) => device.serialNumber),
  );
  if (virtualSerials.size === 0) return;
  const leftovers = await collectPages(async (Marker) => {
    const page = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned', Marker }));
    return {
      items: (page.VirtualMFADevices ?? []).map((device) => device.SerialNumber!),
      marker: page.Marker,
      truncated: page.IsTruncated,
    };
  });
  const orphans = leftovers.filter((serial) => virtualSerials.has(serial));
  if (orphans.length > 0)
    throw new Error(`Virtual MFA devices of ${plan.userName} were left behind: ${orphans.join(', ')}`);
}

export type Action = 'delete' | 'disable' | 'keep';

export interface ActInput {
  readonly iam: IAMClient;
  readonly action: Action;
  readonly userName: string;
  readonly policy: GuardPolicy & { readonly keepUntilTagKey: string; readonly keepDays: number };
  /** The activity the case was opened on; undefined skips the re-check (the CLI, where a human reads the plan). */
  readonly openedOnActivity?: string | null;
  readonly dryRun: boolean;
  readonly now: Date;
  /**
   * The snapshot an interrupted earlier run stored. Its items join the new plan: once a virtual MFA
   * device is deactivated, IAM no longer lists it under the user, and only this record remembers it.
   */
  readonly previousSnapshot?: Snapshot;
  /** Must store the snapshot durably; it is awaited before the first change. */
  readonly saveSnapshot: (snapshot: Snapshot) => Promise<void>;
  readonly onStep?: RunStepsOptions['onStep'];
}

export interface ActResult {
  readonly outcome: 'deleted' | 'disabled' | 'kept' | 'dry-run';
  readonly planned: string[];
  readonly done: string[];
  readonly snapshot?: Snapshot;
}

/** Carries out one decision. Nothing changes before the guard, the re-check and the stored snapshot. */
export async function act(input: ActInput): Promise<ActResult> {
  const { iam, action, userName, policy, now } = input;
  if (action === 'keep') {
    const step = keepStep(userName, policy.keepUntilTagKey, policy.keepDays, now);
    if (input.dryRun) return { outcome: 'dry-run', planned: [step.description], done: [] };
    // A user protected since the case opened is kept by definition; the role's Deny would refuse the tag.
    const tags = (await iam.send(new GetUserCommand({ UserName: userName }))).User?.Tags ?? [];
    if (tags.some((tag) => tag.Key === policy.protectedTagKey))
      return { outcome: 'kept', planned: [], done: [] };
    return {
      outcome: 'kept',
      planned: [step.description],
      done: await runSteps(iam, [step], { onStep: input.onStep }),
    };
  }
  const current = await planRemoval(iam, userName, now);
  const plan = withEarlierItems(current, input.previousSnapshot);
  refuseIfProtected(plan, policy);
  if (input.openedOnActivity !== undefined) recheckActivity(plan, input.openedOnActivity);
  await input.saveSnapshot(current);
  const steps = action === 'delete' ? deletionSteps(plan) : disableSteps(plan, now);
  const planned = steps.map((step) => step.description);
  if (input.dryRun) return { outcome: 'dry-run', planned, done: [], snapshot: plan };
  const done = await runSteps(iam, steps, { onStep: input.onStep });
  if (action === 'delete') await verifyDeleted(iam, plan);
  return { outcome: action === 'delete' ? 'deleted' : 'disabled', planned, done, snapshot: plan };
}

/** Adds the MFA devices of an earlier snapshot of the same user (same user id) to a new plan. */
export function withEarlierItems(plan: Snapshot, earlier: Snapshot | undefined): Snapshot {
  if (!earlier || earlier.userId !== plan.userId) return plan;
  const known = new Set(plan.mfaDevices.map((device) => device.serialNumber));
  return {
    ...plan,
    mfaDevices: [
      ...plan.mfaDevices,
      ...earlier.mfaDevices.filter((device) => !known.has(device.serialNumber)),
    ],
  };
}
