import type { Template } from 'aws-cdk-lib/assertions';
import { VALID_CONFIG } from './stack';

/**
 * One granted action as the grants tests write it: an action allowed on no condition, or the
 * statement's effect and condition with it. Resources are left to the stack tests.
 */
export type ExpectedGrant =
  string | { readonly action: string; readonly effect?: 'Allow' | 'Deny'; readonly condition?: unknown };

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Condition?: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** An organization deployment with an excluded account and OU, so that every Deny is written. */
export const ORGANIZATION_CONFIG = {
  ...VALID_CONFIG,
  deploymentMode: 'organization' as const,
  organizationId: 'o-a1b2c3d4e5',
  memberOrganizationalUnitIds: ['ou-ab12-cd34ef56'],
  excludeAccountIds: ['555555555555'],
  excludeOrganizationalUnitIds: ['ou-ab12-99999999'],
  reportPrincipalArns: ['arn:aws:iam::999999999999:role/SecurityAudit'],
};

/** `Effect action {condition}`, one line per granted action, sorted and without repeats. */
function lines(grants: { effect: string; action: string; condition?: unknown }[]): string[] {
  const line = ({ effect, action, condition }: (typeof grants)[number]) =>
    [effect, action, ...(condition === undefined ? [] : [JSON.stringify(condition)])].join(' ');
  return [...new Set(grants.map(line))].sort();
}

/** The expected grants, in the form `granted` reads them back. */
export function expectedLines(expected: readonly ExpectedGrant[]): string[] {
  return lines(
    expected.map((grant) =>
      typeof grant === 'string'
        ? { effect: 'Allow', action: grant }
        : { effect: grant.effect ?? 'Allow', action: grant.action, condition: grant.condition },
    ),
  );
}

/** What policy statements grant, one line per action. */
export function statementLines(statements: readonly Statement[]): string[] {
  return lines(
    statements.flatMap((statement) =>
      [statement.Action].flat().map((action) => ({
        effect: statement.Effect,
        action,
        condition: statement.Condition,
      })),
    ),
  );
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

/** Every statement of every policy attached to the role of a function, read back from the template. */
export function roleStatements(template: Template, lambdaName: string): Statement[] {
  const resources = template.toJSON().Resources as Resources;
  const fnId = Object.keys(resources).find(
    (id) =>
      resources[id]!.Type === 'AWS::Lambda::Function' &&
      id.startsWith(`IamJanitor${pascal(lambdaName)}Function`),
  );
  if (!fnId) throw new Error(`no function ${lambdaName}`);
  const roleId = (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Each role of the member template (the StackSet's), by its access (`<memberRoleName>-reader`), with its statements. */
export function memberRoleStatements(member: Record<string, unknown>): Map<string, Statement[]> {
  const roles = Object.values(member.Resources as Resources).filter(
    (resource) => resource.Type === 'AWS::IAM::Role',
  );
  return new Map(
    roles.map((role) => [
      String(role.Properties.RoleName).replace(/^.*-/, ''),
      (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        (policy) => policy.PolicyDocument.Statement,
      ),
    ]),
  );
}
