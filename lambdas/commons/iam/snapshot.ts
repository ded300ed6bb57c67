import {
  GetAccessKeyLastUsedCommand,
  type AccessKeyMetadata,
  type GetAccessKeyLastUsedCommandOutput,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  type IAMClient,
  type User,
} from '@aws-sdk/client-iam';
import * as v from 'valibot';
import { UnknownUserError, isNoSuchEntity } from '../runtime/errors';
import { allItems } from '../runtime/pagination';
import { listServiceSpecificCredentials } from './service-credentials';

/**
 * The one reader of a user's IAM facts: every dependent item, with policy documents decoded. The
 * remover plans from it and stores it as the snapshot restore reads; the context step shows it to
 * the approver as evidence. Read-only.
 */

const optionalNullable = () => v.optional(v.nullable(v.string()));

export const snapshotSchema = v.object({
  schemaVersion: v.literal(1),
  takenAt: v.string(),
  userName: v.pipe(v.string(), v.regex(/^[\w+=,.@-]{1,64}$/, 'not an IAM user name')),
  userId: v.string(),
  arn: v.string(),
  /** The account the user lived in (from its ARN): organization mode restores there and nowhere else. */
  accountId: v.optional(v.string()),
  path: v.pipe(
    v.string(),
    v.regex(/^\/([\x21-\x7e]*\/)?$/, 'not an IAM path (it must start and end with "/")'),
  ),
  createDate: v.string(),
  permissionsBoundary: v.nullable(v.string()),
  tags: v.record(v.string(), v.string()),
  groups: v.array(v.string()),
  managedPolicies: v.array(v.pipe(v.string(), v.startsWith('arn:', 'not a policy ARN'))),
  inlinePolicies: v.record(v.string(), v.record(v.string(), v.unknown())),
  loginProfile: v.nullable(v.object({ createDate: v.string() })),
  passwordLastUsed: v.nullable(v.string()),
  accessKeys: v.array(
    v.object({
      id: v.string(),
      status: v.string(),
      createDate: v.string(),
      lastUsedDate: v.nullable(v.string()),
      lastUsedService: optionalNullable(),
      /** Where the key signed its last request ("N/A" when IAM does not know). */
      lastUsedRegion: optionalNullable(),
    }),
  ),
  signingCertificates: v.array(v.object({ id: v.string(), status: v.string() })),
  // uploadDate, createDate and status came after the first snapshots: optional, so those still restore.
  sshPublicKeys: v.array(v.object({ id: v.string(), status: v.string(), uploadDate: optionalNullable() })),
  serviceSpecificCredentials: v.array(
    v.object({
      id: v.string(),
      serviceName: v.string(),
      status: v.optional(v.string()),
      createDate: optionalNullable(),
      serviceUserName: v.optional(v.string()),
      alias: v.optional(v.string()),
      expirationDate: optionalNullable(),
    }),
  ),
  mfaDevices: v.array(v.object({ serialNumber: v.string(), virtual: v.boolean() })),
});
/** Everything about a user before anything changes: the plan of a removal, and what restore reads. */
export type Snapshot = v.InferOutput<typeof snapshotSchema>;

/** Virtual MFA devices have an `arn:…:mfa/…` serial; hardware tokens have a plain serial, FIDO keys a `u2f/` ARN. */
const isVirtualMfa = (serialNumber: string) => /^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serialNumber);

const iso = (date: Date | undefined | null) => (date ? new Date(date).toISOString() : null);

/** A credential that can be used to sign in or call AWS. */
export const isActiveCredential = (item: { status?: string }) =>
  item.status === undefined || item.status === 'Active';

/** IAM's tag list as a map. */
export function tagsOf(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** The user as GetUser reads it now; a name that no longer exists is an UnknownUserError. */
export async function getUser(
  iam: IAMClient,
  userName: string,
): Promise<User & { UserName: string; Arn: string; UserId: string }> {
  let user: User | undefined;
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
  return { ...user, UserName: user.UserName, Arn: user.Arn, UserId: user.UserId };
}

/** Reads every dependent item of the user. Read-only. */
export async function readUser(iam: IAMClient, userName: string, now = new Date()): Promise<Snapshot> {
  const user = await getUser(iam, userName);
  const UserName = user.UserName;

  const loginProfile = await readLoginProfile(iam, UserName);
  const client = { client: iam };
  const accessKeys = await readAccessKeys(iam, UserName);
  const signingCertificates = (
    await allItems(paginateListSigningCertificates(client, { UserName }), (page) => page.Certificates)
  ).map((cert) => ({ id: cert.CertificateId!, status: cert.Status ?? 'Active' }));
  const sshPublicKeys = (
    await allItems(paginateListSSHPublicKeys(client, { UserName }), (page) => page.SSHPublicKeys)
  ).map((key) => ({
    id: key.SSHPublicKeyId!,
    status: key.Status ?? 'Active',
    uploadDate: iso(key.UploadDate),
  }));
  const serviceSpecificCredentials = (await listServiceSpecificCredentials(iam, UserName)).map(
    (credential) => ({
      id: credential.ServiceSpecificCredentialId!,
      serviceName: credential.ServiceName ?? '',
      status: credential.Status ?? 'Active',
      createDate: iso(credential.CreateDate),
      // An API key (Bedrock, CloudWatch Logs) is known by its alias and may expire; the others by a user name.
      ...(credential.ServiceUserName ? { serviceUserName: credential.ServiceUserName } : {}),
      ...(credential.ServiceCredentialAlias ? { alias: credential.ServiceCredentialAlias } : {}),
      ...(credential.ExpirationDate ? { expirationDate: iso(credential.ExpirationDate) } : {}),
    }),
  );
  const mfaDevices = (
    await allItems(paginateListMFADevices(client, { UserName }), (page) => page.MFADevices)
  ).map((device) => ({ serialNumber: device.SerialNumber!, virtual: isVirtualMfa(device.SerialNumber!) }));
  const inlinePolicies = await readInlinePolicies(iam, UserName);
  const managedPolicies = (
    await allItems(paginateListAttachedUserPolicies(client, { UserName }), (page) => page.AttachedPolicies)
  ).map((policy) => policy.PolicyArn!);
  const groups = (await allItems(paginateListGroupsForUser(client, { UserName }), (page) => page.Groups)).map(
    (group) => group.GroupName!,
  );

  return {
    schemaVersion: 1,
    takenAt: now.toISOString(),
    userName: UserName,
    userId: user.UserId,
    arn: user.Arn,
    accountId: user.Arn.split(':')[4],
    path: user.Path ?? '/',
    createDate: iso(user.CreateDate) ?? '',
    permissionsBoundary: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    tags: tagsOf(user.Tags),
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

/** The console password's creation date, or null when the user has none. */
async function readLoginProfile(iam: IAMClient, UserName: string): Promise<Snapshot['loginProfile']> {
  try {
    const profile = (await iam.send(new GetLoginProfileCommand({ UserName }))).LoginProfile;
    return { createDate: iso(profile?.CreateDate) ?? '' };
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
    return null;
  }
}

/** Each access key of the user with IAM's record of its last use: one GetAccessKeyLastUsed per key. */
export async function accessKeysWithLastUse(
  iam: IAMClient,
  UserName: string,
): Promise<{ key: AccessKeyMetadata; lastUsed: GetAccessKeyLastUsedCommandOutput }[]> {
  const keys = await allItems(
    paginateListAccessKeys({ client: iam }, { UserName }),
    (page) => page.AccessKeyMetadata,
  );
  const found = [];
  for (const key of keys)
    found.push({
      key,
      lastUsed: await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! })),
    });
  return found;
}

/** Each access key with its last use, as the snapshot keeps it. */
async function readAccessKeys(iam: IAMClient, UserName: string): Promise<Snapshot['accessKeys']> {
  const accessKeys: Snapshot['accessKeys'] = [];
  for (const { key, lastUsed } of await accessKeysWithLastUse(iam, UserName)) {
    accessKeys.push({
      id: key.AccessKeyId!,
      status: key.Status ?? 'Active',
      createDate: iso(key.CreateDate) ?? '',
      lastUsedDate: iso(lastUsed.AccessKeyLastUsed?.LastUsedDate),
      // IAM answers "N/A" for the service of a key never used.
      lastUsedService: lastUsed.AccessKeyLastUsed?.LastUsedDate
        ? (lastUsed.AccessKeyLastUsed.ServiceName ?? null)
        : null,
      lastUsedRegion: lastUsed.AccessKeyLastUsed?.LastUsedDate
        ? (lastUsed.AccessKeyLastUsed.Region ?? null)
        : null,
    });
  }
  return accessKeys;
}

/** Each inline policy's document, decoded: GetUserPolicy returns it URL-encoded (RFC 3986). */
async function readInlinePolicies(iam: IAMClient, UserName: string): Promise<Snapshot['inlinePolicies']> {
  const names = await allItems(
    paginateListUserPolicies({ client: iam }, { UserName }),
    (page) => page.PolicyNames,
  );
  const inlinePolicies: Snapshot['inlinePolicies'] = {};
  for (const PolicyName of names) {
    const policy = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
    inlinePolicies[PolicyName] = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '%7B%7D')) as Record<
      string,
      unknown
    >;
  }
  return inlinePolicies;
}

/** The latest recorded use of the password or any key, as read now. */
export function latestUse(plan: Snapshot): string | null {
  const uses = [plan.passwordLastUsed, ...plan.accessKeys.map((key) => key.lastUsedDate)].filter(
    (use): use is string => use !== null,
  );
  return uses.sort().at(-1) ?? null;
}
