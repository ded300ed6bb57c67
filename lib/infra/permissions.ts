import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { OPEN_CASES_INDEX } from '../../lambdas/commons/contracts';
import {
  CONTEXT_GRANTS,
  INVENTORY_GRANTS,
  policyStatement,
  removerGrants,
  type AccountGrant,
} from './account-grants';
import type { JanitorFunction, JanitorFunctions, OrganizationLambdaName } from './janitor-function';

/** What the grants name: every function, the case table and the two secrets. */
export interface PermissionTargets extends Construct {
  readonly functions: JanitorFunctions;
  readonly caseTable: dynamodb.Table;
  readonly slackSecret: secretsmanager.Secret;
  readonly jiraSecret: secretsmanager.Secret;
}

/**
 * Each function's role, Lambda by Lambda: exactly the calls it makes (the stack test asserts each
 * list). CDK cannot read the ASL, so nothing here is inferred.
 */
export function grantLeastPrivilege(janitor: PermissionTargets, config: JanitorConfig): void {
  const { functions: fns, caseTable: table, slackSecret, jiraSecret } = janitor;
  const stack = Stack.of(janitor);
  const statement = (actions: readonly string[], resources: string[]) =>
    new iam.PolicyStatement({ actions: [...actions], resources });
  const inAccount = (fn: JanitorFunction, grants: readonly AccountGrant[]) => {
    for (const grant of grants)
      fn.addToRolePolicy(
        iam.PolicyStatement.fromJson(
          policyStatement(grant, (kind) =>
            stack.formatArn({ service: 'iam', region: '', resource: kind, resourceName: '*' }),
          ),
        ),
      );
  };

  if (config.deploymentMode === 'organization') {
    // The IAM and CloudTrail calls happen in the member accounts, through the StackSet's roles:
    // here each function may only assume the member role it needs, and only inside the organization.
    const assume = (fn: JanitorFunction, role: 'reader' | 'remover') =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [
            stack.formatArn({
              service: 'iam',
              region: '',
              account: '*',
              resource: 'role',
              resourceName: `${config.memberRoleName}-${role}`,
            }),
          ],
          conditions: { StringEquals: { 'aws:ResourceOrgID': config.organizationId } },
        }),
      );
    assume(fns.inventory, 'reader');
    assume(fns['gather-context'], 'reader');
    assume(fns.act, 'remover');
    // The exclusions hold in IAM too, at every door: no hub function may assume a member role in an
    // excluded account, or in an account under an excluded OU (the StackSet cannot keep its roles
    // out of an OU nested below a target OU).
    for (const fn of [fns.inventory, fns['gather-context'], fns.act]) {
      if (config.excludeAccountIds.length > 0)
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'DenyExcludedAccounts',
            effect: iam.Effect.DENY,
            actions: ['sts:AssumeRole'],
            resources: config.excludeAccountIds.map((account) =>
              stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: '*' }),
            ),
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
    // The context step and the remover check a case's account at their door (account-scope.ts).
    for (const fn of [fns['gather-context'], fns.act])
      fn.addToRolePolicy(
        statement(
          [
            'organizations:DescribeOrganization',
            'organizations:DescribeAccount',
            'organizations:ListParents',
          ],
          ['*'],
        ),
      );
    const listAccounts = required(fns, 'list-accounts');
    listAccounts.addToRolePolicy(
      statement(
        [
          'organizations:DescribeOrganization',
          'organizations:ListAccounts',
          'organizations:ListAccountsForParent',
          'organizations:ListOrganizationalUnitsForParent',
        ],
        ['*'],
      ),
    );
    // The stashed batches (read once, then deleted), the acknowledgement, and the sweep record.
    required(fns, 'organization-guard').addToRolePolicy(
      statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [table.tableArn]),
    );
  } else {
    // inventory: the credential report, tags of the few inactive users, and key ids.
    inAccount(fns.inventory, INVENTORY_GRANTS);
    // context: the evidence.
    inAccount(fns['gather-context'], CONTEXT_GRANTS);
    // remove: the only role that may change IAM, and never a protected user.
    inAccount(fns.act, removerGrants(config));
  }

  fns.inventory.addToRolePolicy(
    statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]),
  );
  // The latest sweep record, the one-run acknowledgement of the fraction guard (used up on read),
  // and in organization mode the account's stashed batch.
  fns.inventory.addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [table.tableArn]),
  );

  // context: opens the case (two conditional writes); in organization mode it also claims
  // CloudTrail lookup turns in the table.
  fns['gather-context'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );

  // summary: a weekly scan of the case table and the latest sweep record.
  fns.summary.addToRolePolicy(statement(['dynamodb:Scan', 'dynamodb:GetItem'], [table.tableArn]));
  for (const name of [
    'request-approval',
    'slack-interactions',
    'record-outcome',
    'remind',
    'summary',
  ] as const) {
    readSecret(fns[name], slackSecret);
  }
  for (const name of ['open-ticket', 'record-outcome'] as const) readSecret(fns[name], jiraSecret);
  // check-setup reads both, only to tell whether they are filled; it never logs a value.
  readSecret(fns['check-setup'], slackSecret);
  readSecret(fns['check-setup'], jiraSecret);
  fns['open-ticket'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  fns['request-approval'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  fns['slack-interactions'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  // PutItem: a dry run's decision, remembered for the next dry-run sweep.
  fns['record-outcome'].addToRolePolicy(
    statement(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      [table.tableArn],
    ),
  );
  fns.remind.addToRolePolicy(statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]));
  fns.remind.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));
  fns.act.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));
}

/** GetSecretValue only: grantRead would add DescribeSecret, which no function calls. */
function readSecret(fn: JanitorFunction, secret: secretsmanager.Secret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}

function required(fns: JanitorFunctions, name: OrganizationLambdaName): JanitorFunction {
  const fn = fns[name];
  if (!fn) throw new Error(`The ${name} function is built in organization mode only`);
  return fn;
}
