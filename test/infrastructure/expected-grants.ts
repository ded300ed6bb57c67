import type { ExpectedGrant } from '../helpers/grants';

/**
 * Every action each role holds, written out from the calls the code makes, with the action names
 * and condition keys of IAM's Service Authorization Reference (`iam:ListMFADeviceTags`,
 * `account:ListRegions`, `dynamodb:LeadingKeys`, `aws:ResourceOrgID`, …). Never computed from the
 * declarations in lib/infra/lambdas.ts: an action granted there and not written here fails the
 * grants test, and so does a declared function with no entry here.
 */

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
// GetSecretValue only: no function calls DescribeSecret.
const SECRET_READ = 'secretsmanager:GetSecretValue';
/** The IAM calls of the one user reader (lambdas/commons/iam/snapshot.ts readUser), written out from its code. */
const USER_READS = [
  'iam:GetAccessKeyLastUsed',
  'iam:GetLoginProfile',
  'iam:GetUser',
  'iam:GetUserPolicy',
  'iam:ListAccessKeys',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
  'iam:ListMFADevices',
  'iam:ListSSHPublicKeys',
  'iam:ListServiceSpecificCredentials',
  'iam:ListSigningCertificates',
  'iam:ListUserPolicies',
];
/** The credential report and the authorization details, which support no resource-level permission. */
const INVENTORY_READS = [
  'iam:GenerateCredentialReport',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetCredentialReport',
];
/** The watcher's reads beyond the user reader: the account's enabled regions, a renamed user by its id, CloudTrail. */
const WATCH_READS = ['account:ListRegions', 'cloudtrail:LookupEvents', 'iam:ListUsers'];

/**
 * The remover's changes that IAM authorizes against the user itself (the Service Authorization
 * Reference lists the `user` resource for each), so that the protected tag's Deny applies to them.
 */
export const DENIED_ON_PROTECTED = [
  'iam:AttachUserPolicy',
  'iam:DeactivateMFADevice',
  'iam:DeleteAccessKey',
  'iam:DeleteLoginProfile',
  'iam:DeleteSSHPublicKey',
  'iam:DeleteServiceSpecificCredential',
  'iam:DeleteSigningCertificate',
  'iam:DeleteUser',
  'iam:DeleteUserPolicy',
  'iam:DetachUserPolicy',
  'iam:TagUser',
  'iam:UntagUser',
  'iam:UpdateAccessKey',
  'iam:UpdateSSHPublicKey',
  'iam:UpdateServiceSpecificCredential',
  'iam:UpdateSigningCertificate',
];
/** Every IAM change the removal steps (lambdas/act/steps.ts, credential.ts, quarantine.ts) make. */
export const REMOVER_CHANGES = [
  ...DENIED_ON_PROTECTED,
  // Authorized against the group and the device, not the user (the remover re-reads the user first).
  'iam:DeleteVirtualMFADevice',
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
].sort();

/** The tags the remover may write or take off, and the one policy it may attach (AWS's deny-all). */
const onlyTagKeys = (keys: string[]) => ({
  'ForAllValues:StringLike': { 'aws:TagKeys': keys },
  Null: { 'aws:TagKeys': 'false' },
});
const QUARANTINE_TAGS = ['iam-janitor:quarantined-at', 'iam-janitor:quarantine-ends'];
const REMOVER_CONDITIONED = (denyAllArn: unknown): ExpectedGrant[] => [
  { action: 'iam:AttachUserPolicy', condition: { ArnEquals: { 'iam:PolicyARN': [denyAllArn] } } },
  {
    action: 'iam:TagUser',
    condition: onlyTagKeys([
      'iam-janitor:keep-until',
      'iam-janitor:keep-until:*',
      'iam-janitor:disabled-at',
      ...QUARANTINE_TAGS,
    ]),
  },
  { action: 'iam:UntagUser', condition: onlyTagKeys(QUARANTINE_TAGS) },
  { action: 'iam:TagMFADevice', condition: onlyTagKeys(['iam-janitor:deactivated-for']) },
];
const CONDITIONED = new Set(['iam:AttachUserPolicy', 'iam:TagUser', 'iam:UntagUser', 'iam:TagMFADevice']);

/** What the remover holds in the account it changes, whichever role that is. */
const removerInAccount = (denyAllArn: unknown): ExpectedGrant[] => [
  ...USER_READS,
  // A release finds a renamed user by its id; a leftover virtual MFA device is deleted only when its tag names the user.
  'iam:ListUsers',
  'iam:ListVirtualMFADevices',
  'iam:ListMFADeviceTags',
  // The re-check of a user with SSH keys or service-specific credentials: only CloudTrail sees their use.
  'cloudtrail:LookupEvents',
  ...REMOVER_CHANGES.filter((action) => !CONDITIONED.has(action)),
  ...REMOVER_CONDITIONED(denyAllArn),
  ...DENIED_ON_PROTECTED.map((action) => ({
    action,
    effect: 'Deny' as const,
    condition: { Null: { 'iam:ResourceTag/iam-janitor:protected': 'false' } },
  })),
];

/** Account mode (VALID_CONFIG): each function's own role. */
export const ACCOUNT_GRANTS: Record<string, readonly ExpectedGrant[]> = {
  // Both secrets, only to tell whether they are filled.
  'check-setup': [SECRET_READ, ...XRAY],
  inventory: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    // The cases of a user carrying a marker tag (the cases-by-user index); the open cases (a scan of their index).
    'dynamodb:Query',
    'dynamodb:Scan',
    ...INVENTORY_READS,
    ...USER_READS,
    ...XRAY,
  ],
  'gather-context': [
    'cloudtrail:LookupEvents',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    ...USER_READS,
    ...XRAY,
  ],
  'open-ticket': ['dynamodb:GetItem', 'dynamodb:UpdateItem', SECRET_READ, ...XRAY],
  // SendTaskSuccess: a decision stored during an earlier attempt is delivered to this attempt's token.
  'request-approval': ['dynamodb:UpdateItem', 'states:SendTaskSuccess', SECRET_READ, ...XRAY],
  'slack-interactions': [
    'dynamodb:GetItem',
    'dynamodb:UpdateItem',
    'states:SendTaskSuccess',
    SECRET_READ,
    ...XRAY,
  ],
  act: [
    'dynamodb:GetItem',
    'dynamodb:UpdateItem',
    ...removerInAccount({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']],
    }),
    ...XRAY,
  ],
  'record-outcome': [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    SECRET_READ,
    ...XRAY,
  ],
  remind: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem', SECRET_READ, ...XRAY],
  // The whole user, read as the snapshot reads it (the deny and the permissions are compared), and the trip's answer.
  'watch-quarantine': [
    'dynamodb:GetItem',
    'dynamodb:Scan',
    'dynamodb:UpdateItem',
    ...WATCH_READS,
    ...USER_READS,
    'states:SendTaskSuccess',
    ...XRAY,
  ],
  // A weekly scan of the case table and the latest sweep record.
  summary: ['dynamodb:GetItem', 'dynamodb:Scan', SECRET_READ, ...XRAY],
};

/** A member role, assumed only inside the organization and never in an excluded account or OU. */
const ASSUMES_MEMBER_ROLE: ExpectedGrant[] = [
  { action: 'sts:AssumeRole', condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } } },
  { action: 'sts:AssumeRole', effect: 'Deny' },
  {
    action: 'sts:AssumeRole',
    effect: 'Deny',
    condition: {
      'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': ['o-a1b2c3d4e5/*/ou-ab12-99999999/*'] },
    },
  },
];
/** The scope checks of the context step and the remover (lambdas/commons/iam/account-scope.ts). */
const SCOPE_CHECKS = [
  'organizations:DescribeAccount',
  'organizations:DescribeOrganization',
  'organizations:ListParents',
];
const leadingKeys = (action: string, keys: string[]): ExpectedGrant => ({
  action,
  condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } },
});

/**
 * Organization mode (ORGANIZATION_CONFIG): no hub function holds an IAM, CloudTrail or Account
 * action; those that call them assume a member role instead.
 */
export const ORGANIZATION_GRANTS: Record<string, readonly ExpectedGrant[]> = {
  'check-setup': ACCOUNT_GRANTS['check-setup']!,
  inventory: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    ...ASSUMES_MEMBER_ROLE,
    ...XRAY,
  ],
  'gather-context': [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    ...SCOPE_CHECKS,
    ...ASSUMES_MEMBER_ROLE,
    ...XRAY,
  ],
  'open-ticket': ACCOUNT_GRANTS['open-ticket']!,
  'request-approval': ACCOUNT_GRANTS['request-approval']!,
  'slack-interactions': ACCOUNT_GRANTS['slack-interactions']!,
  act: ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...SCOPE_CHECKS, ...ASSUMES_MEMBER_ROLE, ...XRAY],
  'record-outcome': ACCOUNT_GRANTS['record-outcome']!,
  remind: ACCOUNT_GRANTS.remind!,
  'watch-quarantine': [
    'dynamodb:GetItem',
    'dynamodb:Scan',
    'dynamodb:UpdateItem',
    'states:SendTaskSuccess',
    ...ASSUMES_MEMBER_ROLE,
    ...XRAY,
  ],
  summary: ACCOUNT_GRANTS.summary!,
  // The organization's lease and the listing's pages; whether the lease's sweep still runs.
  'list-accounts': [
    leadingKeys('dynamodb:GetItem', ['sweep#organization#running']),
    leadingKeys('dynamodb:PutItem', ['sweep#organization#running', 'accounts#*']),
    'organizations:DescribeOrganization',
    'organizations:ListAccounts',
    'organizations:ListAccountsForParent',
    'organizations:ListOrganizationalUnitsForParent',
    'states:DescribeExecution',
    ...XRAY,
  ],
  'organization-guard': [
    leadingKeys('dynamodb:BatchGetItem', ['sweep#*#result#*']),
    leadingKeys('dynamodb:DeleteItem', ['sweep#*#account#*', 'guard#acknowledgement']),
    leadingKeys('dynamodb:GetItem', [
      'accounts#*',
      'sweep#*#account#*',
      'sweep#*#guard',
      'sweep#organization#running',
      'guard#acknowledgement',
    ]),
    leadingKeys('dynamodb:PutItem', ['sweep#*#guard', 'sweep#latest', 'candidate#*']),
    ...XRAY,
  ],
};

/** The StackSet's member roles, by access: what the functions that assume each call in a member account. */
export const MEMBER_ROLE_GRANTS: Record<string, readonly ExpectedGrant[]> = {
  // The inventory's, the context step's and the watcher's reads, and the account's alias (the inventory names it).
  reader: [...INVENTORY_READS, ...USER_READS, ...WATCH_READS, 'iam:ListAccountAliases'],
  remover: removerInAccount({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSDenyAll' }),
};
