import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { CASES_BY_USER_INDEX, OPEN_CASES_INDEX } from '../../lambdas/commons/case/indexes';
import { policyStatement, type AccountGrant } from './account-grants';
import type { JanitorFunction, JanitorFunctions } from './janitor-function';
import { LAMBDAS, lambdasOf, type LambdaSpec, type MemberRoleAccess } from './lambdas';
import { organizationSweepName } from './workflow';

/** What the grants name: every function, the case table and the two secrets. */
export interface PermissionTargets extends Construct {
  readonly functions: JanitorFunctions;
  readonly caseTable: dynamodb.Table;
  readonly slackSecret: secretsmanager.Secret;
  readonly jiraSecret: secretsmanager.Secret;
}

/**
 * Each function's role, Lambda by Lambda, from its entry in LAMBDAS: exactly the calls it makes
 * (the stack test asserts each list). CDK cannot read the ASL, so nothing here is inferred.
 */
export function grantLeastPrivilege(janitor: PermissionTargets, config: JanitorConfig): void {
  const { caseTable: table } = janitor;
  const secrets = { slack: janitor.slackSecret, jira: janitor.jiraSecret };
  for (const name of lambdasOf(config.deploymentMode)) {
    const fn = janitor.functions[name]!;
    const spec = LAMBDAS[name];
    if (config.deploymentMode === 'organization') {
      // The IAM and CloudTrail calls happen in the member accounts, through the StackSet's roles.
      if (spec.inAccount) assumeMemberRole(fn, spec.inAccount.memberRole, config);
      if (spec.organizations) fn.addToRolePolicy(statement(spec.organizations, ['*']));
    } else if (spec.inAccount) {
      grantInAccount(fn, spec.inAccount.grants(config));
    }
    if (spec.table?.openCasesIndex)
      fn.addToRolePolicy(statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]));
    if (spec.table?.casesByUserIndex)
      fn.addToRolePolicy(statement(['dynamodb:Query'], [`${table.tableArn}/index/${CASES_BY_USER_INDEX}`]));
    if (spec.table) for (const grant of tableStatements(spec.table, table)) fn.addToRolePolicy(grant);
    if (spec.describesOrganizationSweeps) fn.addToRolePolicy(describeSweeps(fn));
    for (const secret of spec.secrets ?? []) readSecret(fn, secrets[secret]);
  }
}

const statement = (actions: readonly string[], resources: string[]) =>
  new iam.PolicyStatement({ actions: [...actions], resources });

/** The item actions on the table: one statement, or one an action held to its keys. */
function tableStatements(
  spec: NonNullable<LambdaSpec['table']>,
  table: dynamodb.Table,
): iam.PolicyStatement[] {
  const { leadingKeys } = spec;
  if (!leadingKeys)
    return [
      statement(
        spec.actions.map((action) => `dynamodb:${action}`),
        [table.tableArn],
      ),
    ];
  return spec.actions.map((action) => {
    const keys = leadingKeys[action];
    if (!keys) throw new Error(`dynamodb:${action} is declared without its keys`);
    return new iam.PolicyStatement({
      actions: [`dynamodb:${action}`],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] } },
    });
  });
}

/** DescribeExecution on the organization sweep's own executions, named by the machine's fixed name. */
function describeSweeps(fn: JanitorFunction): iam.PolicyStatement {
  const stack = Stack.of(fn);
  const executions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${organizationSweepName(stack)}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return statement(['states:DescribeExecution'], [executions]);
}

/** Account mode: IAM and CloudTrail calls on this account's users. */
function grantInAccount(fn: JanitorFunction, grants: readonly AccountGrant[]): void {
  const stack = Stack.of(fn);
  for (const grant of grants)
    fn.addToRolePolicy(
      iam.PolicyStatement.fromJson(
        policyStatement(
          grant,
          (kind) => stack.formatArn({ service: 'iam', region: '', resource: kind, resourceName: '*' }),
          (text) => text.replace('${AWS::Partition}', stack.partition),
        ),
      ),
    );
}

/**
 * Organization mode: the function may only assume the member role it needs, and only inside the
 * organization. The exclusions hold in IAM too, at every door: no hub function may assume a member
 * role in an excluded account, or in an account under an excluded OU (the StackSet cannot keep its
 * roles out of an OU nested below a target OU).
 */
function assumeMemberRole(fn: JanitorFunction, role: MemberRoleAccess, config: JanitorConfig): void {
  const stack = Stack.of(fn);
  const roleArn = (account: string, resourceName: string) =>
    stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: [roleArn('*', `${config.memberRoleName}-${role}`)],
      conditions: { StringEquals: { 'aws:ResourceOrgID': config.organizationId } },
    }),
  );
  if (config.excludeAccountIds.length > 0)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DenyExcludedAccounts',
        effect: iam.Effect.DENY,
        actions: ['sts:AssumeRole'],
        resources: config.excludeAccountIds.map((account) => roleArn(account, '*')),
      }),
    );
  if (config.excludeOrganizationalUnitIds.length > 0)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DenyExcludedOrganizationalUnits',
        effect: iam.Effect.DENY,
        actions: ['sts:AssumeRole'],
        resources: ['*'],
        conditions: {
          'ForAnyValue:StringLike': {
            'aws:ResourceOrgPaths': config.excludeOrganizationalUnitIds.map(
              (ou) => `${config.organizationId}/*/${ou}/*`,
            ),
          },
        },
      }),
    );
}

/** GetSecretValue only: grantRead would add DescribeSecret, which no function calls. */
function readSecret(fn: JanitorFunction, secret: secretsmanager.Secret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}
