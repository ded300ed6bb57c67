import { addUser, type SimAccount, type SimUser } from '../../lib/sim/account';
import { ago } from './standin';

/** The user of the safe-removal issue: one of every dependent item IAM knows. */
export function addLoadedUser(
  account: SimAccount,
  userName = 'loaded',
  overrides: Partial<SimUser> = {},
): SimUser {
  return addUser(account, {
    userName,
    path: '/team/data/',
    createDate: ago(400),
    password: { createDate: ago(400), lastUsed: ago(100) },
    accessKeys: [
      { id: 'AKIALOADED1', status: 'Active', createDate: ago(400), lastUsedDate: ago(90) },
      { id: 'AKIALOADED2', status: 'Inactive', createDate: ago(300), lastUsedDate: null },
    ],
    mfaDevices: [
      {
        serialNumber: `arn:aws:iam::${account.accountId}:mfa/${userName}-phone`,
        virtual: true,
        enableDate: ago(400),
      },
      { serialNumber: 'GAHT12345678', virtual: false, enableDate: ago(400) },
    ],
    signingCertificates: [
      { id: 'CERT1LOADED', status: 'Active' },
      { id: 'CERT2LOADED', status: 'Inactive' },
    ],
    sshPublicKeys: [
      { id: 'APKALOADED1', status: 'Active' },
      { id: 'APKALOADED2', status: 'Active' },
    ],
    serviceSpecificCredentials: [
      { id: 'ACCALOADED1', serviceName: 'codecommit.amazonaws.com', status: 'Active' },
    ],
    groups: ['developers', 'data-readers', 'on-call'],
    managedPolicies: [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      `arn:aws:iam::${account.accountId}:policy/team-data`,
    ],
    inlinePolicies: {
      's3-exports': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: 'arn:aws:s3:::exports/*',
            Condition: { StringLike: { 's3:prefix': ['a b/*', 'c&d=%'] } },
          },
        ],
      }),
      'kms decrypt': JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
      }),
    },
    permissionsBoundary: `arn:aws:iam::${account.accountId}:policy/boundary`,
    tags: { team: 'data', owner: 'ana@example.com', 'cost-center': '42', env: 'prod', note: 'a=b, c+d' },
    ...overrides,
  });
}
