import { Match, Template } from 'aws-cdk-lib/assertions';
import { lambdasOf } from '../../lib/infra/lambdas';
import { synthStack } from '../helpers/stack';
import { USER_READ_ACTIONS } from '../../lib/infra/iam-actions';

const LAMBDA_NAMES = lambdasOf('account');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Every action a function's role allows, read back from the synthesized template. */
function allowedActions(template: Template, lambdaName: string, effect = 'Allow'): string[] {
  const resources = template.toJSON().Resources as Resources;
  const fnId = Object.keys(resources).find(
    (id) =>
      resources[id]!.Type === 'AWS::Lambda::Function' &&
      id.startsWith(`IamJanitor${pascal(lambdaName)}Function`),
  );
  if (!fnId) throw new Error(`no function ${lambdaName}`);
  const roleId = (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const actions = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties.Roles as { Ref: string }[];
    if (!roles.some((role) => role.Ref === roleId)) continue;
    const statements = (
      resource.Properties.PolicyDocument as { Statement: { Effect: string; Action: string | string[] }[] }
    ).Statement;
    for (const statement of statements.filter((s) => s.Effect === effect)) {
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return [...actions].sort();
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
// GetSecretValue only: no function calls DescribeSecret.
const SECRET_READ = ['secretsmanager:GetSecretValue'];
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
/** Every IAM change the removal steps (lambdas/act/steps.ts, credential.ts, quarantine.ts) make. */
const REMOVER_CHANGES = [
  'iam:AttachUserPolicy',
  'iam:DeactivateMFADevice',
  'iam:DeleteAccessKey',
  'iam:DeleteLoginProfile',
  'iam:DeleteSSHPublicKey',
  'iam:DeleteServiceSpecificCredential',
  'iam:DeleteSigningCertificate',
  'iam:DeleteUser',
  'iam:DeleteUserPolicy',
  'iam:DeleteVirtualMFADevice',
  'iam:DetachUserPolicy',
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
  'iam:TagUser',
  'iam:UntagUser',
  'iam:UpdateAccessKey',
  'iam:UpdateSSHPublicKey',
  'iam:UpdateServiceSpecificCredential',
  'iam:UpdateSigningCertificate',
];
/**
 * The remover's changes that IAM authorizes against the user itself (the Service Authorization
 * Reference lists the `user` resource for each), so that a tag condition on the user applies: all
 * of REMOVER_CHANGES but RemoveUserFromGroup (the group), TagMFADevice and DeleteVirtualMFADevice
 * (the device).
 */
const NOT_AUTHORIZED_AGAINST_THE_USER = [
  'iam:RemoveUserFromGroup',
  'iam:TagMFADevice',
  'iam:DeleteVirtualMFADevice',
];
const DENIED_ON_PROTECTED = REMOVER_CHANGES.filter(
  (action) => !NOT_AUTHORIZED_AGAINST_THE_USER.includes(action),
);

describe('least privilege, function by function', () => {
  const { template } = synthStack();

  it('grants each function exactly the actions it calls', () => {
    expect(allowedActions(template, 'inventory')).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'iam:GenerateCredentialReport',
        'iam:GetAccountAuthorizationDetails',
        'iam:GetCredentialReport',
        ...USER_READ_ACTIONS,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'gather-context')).toEqual(
      [
        'cloudtrail:LookupEvents',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        ...USER_READS,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'act')).toEqual(
      [
        'cloudtrail:LookupEvents',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        ...USER_READS,
        'iam:ListMFADeviceTags',
        'iam:ListUsers',
        'iam:ListVirtualMFADevices',
        ...REMOVER_CHANGES,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'open-ticket')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...SECRET_READ, ...XRAY].sort(),
    );
    // SendTaskSuccess: a decision stored during an earlier attempt is delivered to this attempt's token.
    expect(allowedActions(template, 'request-approval')).toEqual(
      ['dynamodb:UpdateItem', 'states:SendTaskSuccess', ...SECRET_READ, ...XRAY].sort(),
    );
    expect(allowedActions(template, 'slack-interactions')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'states:SendTaskSuccess', ...SECRET_READ, ...XRAY].sort(),
    );
    expect(allowedActions(template, 'record-outcome')).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        ...SECRET_READ,
        ...XRAY,
      ].sort(),
    );
    expect(allowedActions(template, 'remind')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem', ...SECRET_READ, ...XRAY].sort(),
    );
    // The quarantine watcher reads the user, its keys' last use, whether it holds SSH keys or
    // service-specific credentials, the account's enabled regions and CloudTrail, and answers the wait.
    expect(allowedActions(template, 'watch-quarantine')).toEqual(
      [
        'account:ListRegions',
        'cloudtrail:LookupEvents',
        'dynamodb:GetItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        // The whole user, read as the snapshot reads it: the deny and the permissions are compared.
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
        'iam:ListUsers',
        'states:SendTaskSuccess',
        ...XRAY,
      ].sort(),
    );
    // The setup check reads both secrets and nothing else.
    expect(allowedActions(template, 'check-setup')).toEqual(
      ['secretsmanager:GetSecretValue', ...XRAY].sort(),
    );
    // The weekly summary only reads.
    expect(allowedActions(template, 'summary')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Scan', ...SECRET_READ, ...XRAY].sort(),
    );
  });

  it('gives IAM mutating actions to the remover only', () => {
    const mutating = /^iam:(Delete|Update|Deactivate|Detach|Remove|Tag|Untag|Create|Put|Attach|Add)/;
    for (const name of LAMBDA_NAMES.filter((n) => n !== 'act')) {
      expect(allowedActions(template, name).filter((action) => mutating.test(action))).toEqual([]);
    }
    expect(allowedActions(template, 'act').filter((action) => mutating.test(action))).toEqual(
      REMOVER_CHANGES,
    );
  });

  it('lets the remover tag only with the keys it writes, and only a user or an MFA device', () => {
    const statements = Object.values(template.toJSON().Resources as Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap(
        (resource) =>
          (resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
    const tagging = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        [statement.Action].flat().some((action) => /^iam:Tag/.test(String(action))),
    );
    expect(tagging.map((statement) => [statement.Action, statement.Condition])).toEqual([
      [
        'iam:TagUser',
        {
          'ForAllValues:StringLike': {
            'aws:TagKeys': [
              'iam-janitor:keep-until',
              'iam-janitor:keep-until:*',
              'iam-janitor:disabled-at',
              'iam-janitor:quarantined-at',
              'iam-janitor:quarantine-ends',
            ],
          },
          Null: { 'aws:TagKeys': 'false' },
        },
      ],
      [
        'iam:TagMFADevice',
        {
          'ForAllValues:StringLike': { 'aws:TagKeys': ['iam-janitor:deactivated-for'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      ],
    ]);
  });

  it('lets the remover attach AWSDenyAll and no other policy, and untag only the quarantine', () => {
    const statements = Object.values(template.toJSON().Resources as Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap(
        (resource) =>
          (resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      )
      .filter((statement) => statement.Effect === 'Allow');
    const granting = (action: string) =>
      statements.filter((statement) => [statement.Action].flat().includes(action));
    expect(granting('iam:AttachUserPolicy').map((statement) => statement.Condition)).toEqual([
      {
        ArnEquals: {
          'iam:PolicyARN': [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] },
          ],
        },
      },
    ]);
    expect(granting('iam:UntagUser').map((statement) => statement.Condition)).toEqual([
      {
        'ForAllValues:StringLike': {
          'aws:TagKeys': ['iam-janitor:quarantined-at', 'iam-janitor:quarantine-ends'],
        },
        Null: { 'aws:TagKeys': 'false' },
      },
    ]);
  });

  it('builds member role ARNs in the partition the stack is deployed in', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ JANITOR_PARTITION: { Ref: 'AWS::Partition' } }),
      },
    });
  });

  it('gives SendTaskSuccess to the interactions function, the request step and the quarantine watcher only', () => {
    const answering = ['slack-interactions', 'request-approval', 'watch-quarantine'];
    for (const name of LAMBDA_NAMES.filter((n) => !answering.includes(n))) {
      expect(allowedActions(template, name).filter((action) => action.startsWith('states:'))).toEqual([]);
    }
  });

  it('denies every user-mutating action on users that carry the protected tag', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyChangesToProtectedUsers',
            Effect: 'Deny',
            Action: Match.anyValue(),
            Resource: Match.anyValue(),
            Condition: { Null: { 'iam:ResourceTag/iam-janitor:protected': 'false' } },
          },
        ]),
      },
    });
    expect(allowedActions(template, 'act', 'Deny')).toEqual([...DENIED_ON_PROTECTED].sort());
  });

  it('follows a custom protected tag key in the Deny', () => {
    const { template: custom } = synthStack({ protectedTagKey: 'security:do-not-touch' });
    custom.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Null: { 'iam:ResourceTag/security:do-not-touch': 'false' } },
          }),
        ]),
      },
    });
  });
});
