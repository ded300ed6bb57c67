import {
  DISABLED_AT_TAG_KEY,
  MFA_OWNER_TAG_KEY,
  QUARANTINE_ENDS_TAG_KEY,
  QUARANTINE_STARTED_TAG_KEY,
} from '../../lambdas/commons/iam/tags';
import { USER_MUTATING_ACTIONS, USER_READ_ACTIONS } from './iam-actions';

/** The user actions granted only under a condition of their own (which tag keys, which policy). */
const CONDITIONED_USER_ACTIONS = new Set<string>(['iam:TagUser', 'iam:UntagUser', 'iam:AttachUserPolicy']);

/** AWS's deny-all policy, in the partition of the account the grant lives in. */
export const DENY_ALL_POLICY_ARN = 'arn:${AWS::Partition}:iam::aws:policy/AWSDenyAll';

/**
 * What each function may do inside an audited account, as plain data. In account mode the stack
 * grants it to the function's own role; in organization mode it becomes the member role the
 * function's declaration names (lib/infra/lambdas.ts, `inAccount`): `<memberRoleName>-reader` for
 * the readers, `-remover` for the remover. So both modes grant exactly the same calls, once written.
 */
export interface AccountGrant {
  readonly sid?: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** `*`, or the kind of IAM resource, in the account the grant applies in. */
  readonly resources: readonly ('*' | 'user' | 'group' | 'mfa')[];
  /** Deny on a user carrying this tag key. */
  readonly unlessUntagged?: string;
  /** Tagging only with these keys (`*` as in StringLike): tags grant access in many accounts. */
  readonly tagKeys?: readonly string[];
  /** Attaching only these managed policies (`iam:PolicyARN`), written with `${AWS::Partition}`. */
  readonly policyArns?: readonly string[];
}

/** The inventory: the credential report, tags and ids of the few users that need them, key ids. */
export const INVENTORY_GRANTS: readonly AccountGrant[] = [
  // Neither supports resource-level permissions.
  {
    actions: [
      'iam:GenerateCredentialReport',
      'iam:GetCredentialReport',
      'iam:GetAccountAuthorizationDetails',
    ],
    resources: ['*'],
  },
  // GetUser rather than ListUserTags: one call returns both the tags and the stable user id; for
  // many idle users, GetAccountAuthorizationDetails returns 1,000 users' tags and ids per call.
  // ListAccessKeys: the key ids of users who keep a key by its id (Keep on a credential case tags it).
  // The rest of the user reader (read-only): a user a recorded Disable marked is read live, through
  // the snapshot's reader, for the SSH keys and service credentials the report leaves out.
  { actions: USER_READ_ACTIONS, resources: ['user'] },
];

/** Organization mode only: the inventory names each member account by its alias. */
export const ALIAS_GRANTS: readonly AccountGrant[] = [
  { actions: ['iam:ListAccountAliases'], resources: ['*'] },
];

/** The context step: the evidence, from the one user reader and CloudTrail. */
export const CONTEXT_GRANTS: readonly AccountGrant[] = [
  { actions: ['cloudtrail:LookupEvents'], resources: ['*'] },
  { actions: USER_READ_ACTIONS, resources: ['user'] },
];

/**
 * The quarantine watcher: the whole user, through the one user reader (its last uses, its
 * credentials, and the deny and permissions compared with the snapshot), the account's enabled
 * regions, and CloudTrail. Nothing that writes.
 */
export const WATCH_GRANTS: readonly AccountGrant[] = [
  { actions: ['cloudtrail:LookupEvents'], resources: ['*'] },
  // A user holding an SSH key or a service-specific credential is read in every enabled region:
  // ListRegions, in the account the watcher reads (a member role's own, in organization mode).
  { actions: ['account:ListRegions'], resources: ['*'] },
  { actions: USER_READ_ACTIONS, resources: ['user'] },
  // A user whose name is gone is looked up by its id (renamed, or deleted); ListUsers has no resource type.
  { actions: ['iam:ListUsers'], resources: ['*'] },
];

/** The remover: the only grants that change IAM, and never on a protected user. */
export function removerGrants(config: { protectedTagKey: string; keepUntilTagKey: string }): AccountGrant[] {
  const { protectedTagKey, keepUntilTagKey } = config;
  return [
    { actions: USER_READ_ACTIONS, resources: ['user'] },
    // ListUsers: a release finds a renamed user by its id. Neither has a resource type.
    { actions: ['iam:ListVirtualMFADevices', 'iam:ListUsers'], resources: ['*'] },
    // A leftover virtual MFA device is deleted only when its own tag names this user.
    { actions: ['iam:ListMFADeviceTags'], resources: ['mfa'] },
    // The re-check of a user with SSH keys or service-specific credentials: only CloudTrail sees their use.
    { actions: ['cloudtrail:LookupEvents'], resources: ['*'] },
    {
      actions: USER_MUTATING_ACTIONS.filter((action) => !CONDITIONED_USER_ACTIONS.has(action)),
      resources: ['user'],
    },
    // A quarantine attaches one policy, AWS's deny-all, and no other: AttachUserPolicy unconditioned
    // would let the role grant any user anything.
    { actions: ['iam:AttachUserPolicy'], resources: ['user'], policyArns: [DENY_ALL_POLICY_ARN] },
    // A release takes off the quarantine's two tags, and no other tag.
    {
      actions: ['iam:UntagUser'],
      resources: ['user'],
      tagKeys: [QUARANTINE_STARTED_TAG_KEY, QUARANTINE_ENDS_TAG_KEY],
    },
    // The only tags the remover writes on a user: Keep's keep-until (the user's, and one per
    // credential), Disable's disabled-at, and a quarantine's start and end.
    {
      actions: ['iam:TagUser'],
      resources: ['user'],
      tagKeys: [
        keepUntilTagKey,
        `${keepUntilTagKey}:*`,
        DISABLED_AT_TAG_KEY,
        QUARANTINE_STARTED_TAG_KEY,
        QUARANTINE_ENDS_TAG_KEY,
      ],
    },
    { actions: ['iam:RemoveUserFromGroup'], resources: ['group'] },
    { actions: ['iam:TagMFADevice'], resources: ['mfa'], tagKeys: [MFA_OWNER_TAG_KEY] },
    { actions: ['iam:DeleteVirtualMFADevice'], resources: ['mfa'] },
    {
      sid: 'DenyChangesToProtectedUsers',
      effect: 'Deny',
      actions: USER_MUTATING_ACTIONS,
      resources: ['user'],
      unlessUntagged: protectedTagKey,
    },
  ];
}

/** An IAM policy statement of a grant, with resources written by `arnOf` for the account it lives in. */
export function policyStatement<Arn>(
  grant: AccountGrant,
  arnOf: (kind: 'user' | 'group' | 'mfa') => Arn,
  partitioned: (text: string) => unknown = (text) => text,
): {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: (Arn | '*')[];
  Condition?: Record<string, Record<string, unknown>>;
} {
  return {
    ...(grant.sid ? { Sid: grant.sid } : {}),
    Effect: grant.effect ?? 'Allow',
    Action: [...grant.actions],
    Resource: grant.resources.map((resource) => (resource === '*' ? '*' : arnOf(resource))),
    ...(grant.unlessUntagged
      ? { Condition: { Null: { [`iam:ResourceTag/${grant.unlessUntagged}`]: 'false' } } }
      : {}),
    // ForAllValues alone would also pass a request with no tag keys at all; the Null check refuses that.
    ...(grant.tagKeys
      ? {
          Condition: {
            'ForAllValues:StringLike': { 'aws:TagKeys': [...grant.tagKeys] },
            Null: { 'aws:TagKeys': 'false' },
          },
        }
      : {}),
    ...(grant.policyArns
      ? { Condition: { ArnEquals: { 'iam:PolicyARN': grant.policyArns.map(partitioned) } } }
      : {}),
  };
}
