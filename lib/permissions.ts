import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { JanitorConfig } from '../lambdas/commons/config';
import { OPEN_CASES_INDEX } from '../lambdas/commons/contracts';
import { NON_USER_MUTATING_ACTIONS, USER_MUTATING_ACTIONS, USER_READ_ACTIONS } from './iam-actions';
import type { JanitorFunction, LambdaName } from './janitor-function';

/** What the grants name: every function, the case table and the two secrets. */
export interface PermissionTargets extends Construct {
  readonly functions: Record<LambdaName, JanitorFunction>;
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
  const userArns = [stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' })];
  const statement = (actions: readonly string[], resources: string[]) =>
    new iam.PolicyStatement({ actions: [...actions], resources });

  // inventory: the credential report, tags of the few inactive users, and the open cases.
  fns.inventory.addToRolePolicy(
    statement(['iam:GenerateCredentialReport', 'iam:GetCredentialReport'], ['*']),
  );
  // GetUser rather than ListUserTags: one call returns both the tags and the stable user id; for
  // many idle users, GetAccountAuthorizationDetails returns 1,000 users' tags and ids per call.
  fns.inventory.addToRolePolicy(statement(['iam:GetUser'], userArns));
  fns.inventory.addToRolePolicy(statement(['iam:GetAccountAuthorizationDetails'], ['*']));
  fns.inventory.addToRolePolicy(
    statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]),
  );
  // The key ids of users who keep a key by its id (Keep on a credential case tags it).
  fns.inventory.addToRolePolicy(statement(['iam:ListAccessKeys'], userArns));
  // The latest sweep record, and the one-run acknowledgement of the fraction guard, used up on read.
  fns.inventory.addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [table.tableArn]),
  );

  // context: opens the case (two conditional writes) and reads the evidence.
  fns['gather-context'].addToRolePolicy(statement(['cloudtrail:LookupEvents'], ['*']));
  fns['gather-context'].addToRolePolicy(statement(USER_READ_ACTIONS, userArns));
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
    slackSecret.grantRead(fns[name]);
  }
  for (const name of ['open-ticket', 'record-outcome'] as const) jiraSecret.grantRead(fns[name]);
  fns['open-ticket'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  fns['request-approval'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  fns['slack-interactions'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]),
  );
  fns['record-outcome'].addToRolePolicy(
    statement(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn]),
  );
  fns.remind.addToRolePolicy(statement(['dynamodb:Scan'], [`${table.tableArn}/index/${OPEN_CASES_INDEX}`]));
  fns.remind.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));

  // remove: the only role that may change IAM, and never a protected user.
  fns.act.addToRolePolicy(statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]));
  fns.act.addToRolePolicy(statement(USER_READ_ACTIONS, userArns));
  fns.act.addToRolePolicy(statement(['iam:ListVirtualMFADevices'], ['*']));
  // The re-check of a user with SSH keys or service-specific credentials: only CloudTrail sees their use.
  fns.act.addToRolePolicy(statement(['cloudtrail:LookupEvents'], ['*']));
  fns.act.addToRolePolicy(statement(USER_MUTATING_ACTIONS, userArns));
  fns.act.addToRolePolicy(
    statement(NON_USER_MUTATING_ACTIONS, [
      stack.formatArn({ service: 'iam', region: '', resource: 'group', resourceName: '*' }),
      stack.formatArn({ service: 'iam', region: '', resource: 'mfa', resourceName: '*' }),
    ]),
  );
  fns.act.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'DenyChangesToProtectedUsers',
      effect: iam.Effect.DENY,
      actions: [...USER_MUTATING_ACTIONS],
      resources: userArns,
      conditions: { Null: { [`iam:ResourceTag/${config.protectedTagKey}`]: 'false' } },
    }),
  );
}
