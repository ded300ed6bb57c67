import { Aws, Fn, Stack } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { policyStatement, type AccountGrant } from './account-grants';
import { LAMBDAS, memberRoleUsers, type MemberRoleAccess } from './lambdas';

/**
 * What a member role holds: the account grants of every function that assumes it, then what they
 * call in a member account only, read from their declarations (lib/infra/lambdas.ts), so that a
 * call a function gains in account mode is granted in organization mode too. Two functions'
 * identical grants are written once.
 */
export function grantsOfRole(access: MemberRoleAccess, config: JanitorConfig): AccountGrant[] {
  const needs = memberRoleUsers(access).map((name) => LAMBDAS[name].inAccount!);
  const grants = [
    ...needs.flatMap((need) => need.grants(config)),
    ...needs.flatMap((need) => need.inMemberAccountsOnly ?? []),
  ];
  const seen = new Set<string>();
  return grants.filter((grant) => {
    const key = JSON.stringify(grant);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** The member roles' CloudFormation parameters: who may assume each role. */
export const MEMBER_PARAMETERS = {
  reader: 'ReaderTrustedRoleArns',
  remover: 'RemoverTrustedRoleArns',
} as const;

/**
 * The template the StackSet deploys in every member account: the reader role (the reads of the
 * functions declared to assume it: the inventory, the context step and the watcher, plus the
 * account alias) and the remover role (the remover's actions under the same protected-tag Deny as
 * in account mode). Each trusts only the hub roles given as
 * parameters, with the external id, from inside the organization.
 */
export function memberRolesTemplate(config: JanitorConfig): Record<string, unknown> {
  const arnOf = (kind: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:${kind}/*` });
  const role = (
    access: keyof typeof MEMBER_PARAMETERS,
    description: string,
    grants: readonly AccountGrant[],
  ) => ({
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: `${config.memberRoleName}-${access}`,
      Description: description,
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: { Ref: MEMBER_PARAMETERS[access] } },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: {
                'sts:ExternalId': config.memberExternalId,
                'aws:PrincipalOrgID': config.organizationId,
              },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: `iam-janitor-${access}`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: grants.map((grant) => policyStatement(grant, arnOf, (text) => ({ 'Fn::Sub': text }))),
          },
        },
      ],
      Tags: [{ Key: config.protectedTagKey, Value: 'iam-janitor member role' }],
    },
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'iam-janitor member roles: assumed by the iam-janitor hub to inventory this account and, on an approver decision, to remove a user.',
    Parameters: {
      [MEMBER_PARAMETERS.reader]: {
        Type: 'CommaDelimitedList',
        Description: `The hub roles that may read this account: ${theFunctions(memberRoleUsers('reader'))}, and report --organization.`,
      },
      [MEMBER_PARAMETERS.remover]: {
        Type: 'CommaDelimitedList',
        Description: `The hub roles that may change IAM users in this account: ${theFunctions(memberRoleUsers('remover'))}.`,
      },
    },
    Resources: {
      ReaderRole: role(
        'reader',
        'iam-janitor: the credential report, user details and CloudTrail lookups, read-only',
        grantsOfRole('reader', config),
      ),
      RemoverRole: role(
        'remover',
        'iam-janitor: removes, disables or keeps a user after an approver decided, never a protected one',
        grantsOfRole('remover', config),
      ),
    },
  };
}

/** `the act function`, `the inventory, gather-context and watch-quarantine functions`. */
function theFunctions(names: readonly string[]): string {
  if (names.length === 0) return 'no function';
  if (names.length === 1) return `the ${names[0]!} function`;
  return `the ${names.slice(0, -1).join(', ')} and ${names.at(-1)!} functions`;
}

export interface MemberRolesProps {
  readonly config: JanitorConfig;
  readonly readerTrustedRoleArns: string[];
  readonly removerTrustedRoleArns: string[];
}

/**
 * The member roles in every account of the chosen OUs, by a service-managed StackSet with
 * automatic deployment: an account that joins one of the OUs gets them without a deploy.
 */
export class MemberRoles extends Construct {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberRolesProps) {
    super(scope, id);
    const { config } = props;
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: `${Stack.of(this).stackName}-member-roles`,
      description: 'iam-janitor member roles (reader and remover) in every member account',
      permissionModel: 'SERVICE_MANAGED',
      callAs: config.memberStackSetCallAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      // IAM is global: one region per account is enough. An account that fails to deploy is
      // reported by every sweep (its role cannot be assumed); it never holds the others back.
      operationPreferences: { failureTolerancePercentage: 100, maxConcurrentPercentage: 25 },
      parameters: [
        { parameterKey: MEMBER_PARAMETERS.reader, parameterValue: Fn.join(',', props.readerTrustedRoleArns) },
        {
          parameterKey: MEMBER_PARAMETERS.remover,
          parameterValue: Fn.join(',', props.removerTrustedRoleArns),
        },
      ],
      stackInstancesGroup: [
        {
          regions: [Aws.REGION],
          deploymentTargets: {
            organizationalUnitIds: config.memberOrganizationalUnitIds,
            ...(config.excludeAccountIds.length > 0
              ? { accounts: config.excludeAccountIds, accountFilterType: 'DIFFERENCE' }
              : {}),
          },
        },
      ],
      templateBody: JSON.stringify(memberRolesTemplate(config)),
    });
  }
}
