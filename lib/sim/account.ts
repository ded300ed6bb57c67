import { createHash } from 'node:crypto';
import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { StandinError } from './standins/standin-types';
import { DAY_MS } from '../../lambdas/commons/runtime/time';

/**
 * The emulated AWS account the stand-in serves: IAM users with every kind of dependent item, and
 * the CloudTrail events recorded for them. The scenario format (ARCHITECTURE.md) seeds it.
 */

export interface SimAccessKey {
  id: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
  lastUsedDate: Date | null;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

export interface SimUser {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: Date;
  password: { createDate: Date; lastUsed: Date | null; noInformation?: boolean } | null;
  accessKeys: SimAccessKey[];
  mfaDevices: { serialNumber: string; virtual: boolean; enableDate: Date }[];
  signingCertificates: { id: string; status: 'Active' | 'Inactive' }[];
  /** CodeCommit SSH keys: the credential report leaves them out. `uploadDate` defaults to the user's creation. */
  sshPublicKeys: { id: string; status: 'Active' | 'Inactive'; uploadDate?: Date }[];
  /**
   * CodeCommit HTTPS, Keyspaces, Bedrock and CloudWatch Logs API keys (`serviceName` codecommit, cassandra,
   * bedrock, logs .amazonaws.com): also left out of the credential report.
   */
  serviceSpecificCredentials: {
    id: string;
    serviceName: string;
    status: 'Active' | 'Inactive';
    createDate?: Date;
  }[];
  groups: string[];
  managedPolicies: string[];
  /** Inline policy documents as JSON text, exactly as PutUserPolicy stored them. */
  inlinePolicies: Record<string, string>;
  permissionsBoundary: string | null;
  tags: Record<string, string>;
}

export interface SimRoot {
  passwordLastUsed: Date | null;
  mfaActive: boolean;
  accessKey1Active: boolean;
  accessKey2Active: boolean;
}

export interface SimCloudTrailEvent {
  region: string;
  username: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  sourceIPAddress?: string;
  userAgent?: string;
  accessKeyId?: string;
  /** As CloudTrail records it: a failed console sign-in has `{ ConsoleLogin: 'Failure' }`. */
  responseElements?: Record<string, unknown>;
  /** A request that was refused: `AccessDenied`, as CloudTrail records a call an explicit deny stopped. */
  errorCode?: string;
  errorMessage?: string;
  /**
   * Who made the call, as CloudTrail's userIdentity records it. LookupEvents' Username is the IAM
   * user's name, or a role session's name: only the type and principalId tell them apart.
   * @default the IAM user named `username`, with its id
   */
  userIdentity?: { type: 'IAMUser' | 'AssumedRole'; principalId: string; arn: string };
  /** The call's parameters, as CloudTrail records them (UpdateUser's userName and newUserName). */
  requestParameters?: Record<string, unknown>;
}

export interface SimAccount {
  accountId: string;
  /** The IAM account alias (ListAccountAliases), if the account has one. */
  alias?: string;
  users: Map<string, SimUser>;
  /** Virtual MFA devices by serial number, with the user they are assigned to, if any. */
  virtualMfaDevices: Map<string, { assignedTo: string | null; tags?: Record<string, string> }>;
  root: SimRoot;
  cloudTrail: SimCloudTrailEvent[];
  /** Every user id the account ever issued (addUser): IAM never gives one out twice. */
  issuedUserIds?: Set<string>;
  /** Groups that exist; AddUserToGroup to any other answers NoSuchEntity, as IAM does. */
  groups: Set<string>;
  /** Customer managed policies that exist (AWS managed ones always do). */
  policies: Set<string>;
  /**
   * The account's regions and their opt-in status, as the Account API's ListRegions answers them.
   * @default the regions enabled by default, and the opt-in ones disabled (sim/standins/account-regions.ts)
   */
  regions?: { readonly name: string; readonly status: RegionOptStatus }[];
}

/** A region's opt-in status, as the Account API names it. */
export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

/** IAM names are unique without regard to case: `Alice` and `alice` are the same user. */
export function findUser(account: SimAccount, userName: string): SimUser | undefined {
  const exact = account.users.get(userName);
  if (exact) return exact;
  const wanted = userName.toLowerCase();
  for (const user of account.users.values()) if (user.userName.toLowerCase() === wanted) return user;
  return undefined;
}

/**
 * The stored key IAM matches to `key`: a user's tag keys are unique without regard to case, and
 * IAM keeps the case of the key as first written ("not case sensitive, but case is preserved").
 * The tag condition keys (`aws:ResourceTag/<key>`) match the same way.
 */
export function storedTagKey(tags: Record<string, string>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return Object.keys(tags).find((stored) => stored.toLowerCase() === wanted);
}

/**
 * TagUser as IAM applies it: a key that matches an existing one in another case updates that tag
 * (keeping its case), and one request may not carry two keys that differ only in case.
 */
export function applyTags(
  tags: Record<string, string>,
  added: readonly { Key: string; Value: string }[],
): void {
  const seen = new Set<string>();
  for (const { Key } of added) {
    if (seen.has(Key.toLowerCase()))
      throw new StandinError(
        'InvalidInput',
        `Duplicate tag key ${Key}: tag keys are not case sensitive.`,
        400,
      );
    seen.add(Key.toLowerCase());
  }
  for (const { Key, Value } of added) tags[storedTagKey(tags, Key) ?? Key] = Value;
}

/** AWS managed policies exist in every account; customer managed ones only once created. */
export function policyExists(account: SimAccount, policyArn: string): boolean {
  return /^arn:aws[\w-]*:iam::aws:policy\//.test(policyArn) || account.policies.has(policyArn);
}

/** A stable, IAM-shaped id for a name: the same scenario always yields the same ids. */
export function stableId(prefix: string, seed: string, length = 17): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let index = 0; id.length < prefix.length + length; index++)
    id += alphabet[digest[index % digest.length]! % 32];
  return id;
}

export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user${path}${userName}`;
}

export function emptyAccount(accountId = '123456789012'): SimAccount {
  return {
    accountId,
    users: new Map(),
    virtualMfaDevices: new Map(),
    root: { passwordLastUsed: null, mfaActive: true, accessKey1Active: false, accessKey2Active: false },
    cloudTrail: [],
    groups: new Set(),
    policies: new Set(),
  };
}

/**
 * IAM gives every new user an id no user ever had: a user created again under a deleted or
 * renamed user's name is another person. Stable across runs (derived from the name), and never
 * one the account issued before.
 */
function newUserId(account: SimAccount, userName: string): string {
  const issued = (account.issuedUserIds ??= new Set(
    [...account.users.values()].map((existing) => existing.userId),
  ));
  let id = stableId('AIDA', `${account.accountId}/${userName}`);
  for (let again = 1; issued.has(id); again++)
    id = stableId('AIDA', `${account.accountId}/${userName}#${again}`);
  issued.add(id);
  return id;
}

/** Adds a user; defaults describe a bare user created long ago. */
export function addUser(account: SimAccount, user: Partial<SimUser> & { userName: string }): SimUser {
  const path = user.path ?? '/';
  const created: SimUser = {
    userId: newUserId(account, user.userName),
    arn: userArn(account.accountId, path, user.userName),
    path,
    createDate: new Date('2024-01-01T00:00:00Z'),
    password: null,
    accessKeys: [],
    mfaDevices: [],
    signingCertificates: [],
    sshPublicKeys: [],
    serviceSpecificCredentials: [],
    groups: [],
    managedPolicies: [],
    inlinePolicies: {},
    permissionsBoundary: null,
    tags: {},
    ...user,
  };
  account.users.set(created.userName, created);
  account.issuedUserIds?.add(created.userId);
  for (const group of created.groups) account.groups.add(group);
  for (const arn of [
    ...created.managedPolicies,
    ...(created.permissionsBoundary ? [created.permissionsBoundary] : []),
  ])
    if (!policyExists(account, arn)) account.policies.add(arn);
  for (const device of created.mfaDevices) {
    if (device.virtual) account.virtualMfaDevices.set(device.serialNumber, { assignedTo: created.userName });
  }
  return created;
}

const fmt = (date: Date | null | undefined, none: string) =>
  date ? date.toISOString().replace(/\.\d{3}Z$/, '+00:00') : none;

/** The credential report CSV, with the special values IAM writes (N/A, no_information, not_supported). */
export function credentialReportCsv(account: SimAccount): string {
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
    'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
    'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
    'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const root = account.root;
  const rows = [
    [
      '<root_account>',
      `arn:aws:iam::${account.accountId}:root`,
      '2020-01-01T00:00:00+00:00',
      'not_supported',
      fmt(root.passwordLastUsed, 'no_information'),
      'not_supported',
      'not_supported',
      String(root.mfaActive),
      String(root.accessKey1Active),
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      String(root.accessKey2Active),
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'false',
      'N/A',
    ],
  ];
  for (const user of account.users.values()) {
    const key = (index: number) => {
      const accessKey = user.accessKeys[index];
      if (!accessKey) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
      return [
        String(accessKey.status === 'Active'),
        fmt(accessKey.createDate, 'N/A'),
        fmt(accessKey.lastUsedDate, 'N/A'),
        accessKey.lastUsedDate ? (accessKey.lastUsedRegion ?? 'us-east-1') : 'N/A',
        accessKey.lastUsedDate ? (accessKey.lastUsedService ?? 'sts') : 'N/A',
      ];
    };
    const cert = (index: number) => {
      const certificate = user.signingCertificates[index];
      return certificate
        ? [String(certificate.status === 'Active'), fmt(user.createDate, 'N/A')]
        : ['false', 'N/A'];
    };
    rows.push([
      user.userName,
      user.arn,
      fmt(user.createDate, 'N/A'),
      String(user.password !== null),
      user.password ? fmt(user.password.lastUsed, 'no_information') : 'N/A',
      user.password ? fmt(user.password.createDate, 'N/A') : 'N/A',
      'N/A',
      String(user.mfaDevices.length > 0),
      ...key(0),
      ...key(1),
      ...cert(0),
      ...cert(1),
    ]);
  }
  return [header, ...rows.map((row) => row.map(quote).join(','))].join('\n') + '\n';
}

/** The candidate reference the sweep would hand on for this user, for tests, benchmarks and the simulator. */
export function candidateOf(user: SimUser, overrides: Partial<Candidate> = {}, now = new Date()): Candidate {
  const uses: [Candidate['lastActivitySource'], Date | null | undefined][] = [
    ['password', user.password?.lastUsed],
    ['access_key_1', user.accessKeys[0]?.lastUsedDate],
    ['access_key_2', user.accessKeys[1]?.lastUsedDate],
  ];
  const latest = uses
    .filter((use): use is [Candidate['lastActivitySource'], Date] => use[1] instanceof Date)
    .sort((a, b) => b[1].getTime() - a[1].getTime())[0];
  const since = latest ? latest[1] : user.createDate;
  return {
    userName: user.userName,
    userId: user.userId,
    arn: user.arn,
    reason: 'idle (simulated)',
    lastActivity: latest ? latest[1].toISOString() : null,
    lastActivitySource: latest ? latest[0] : 'user_creation_time',
    idleDays: Math.floor((now.getTime() - since.getTime()) / DAY_MS),
    kind: 'user',
    subjectId: user.userId,
    ...overrides,
  };
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
