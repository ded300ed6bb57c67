import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lambdas/commons/config/config';
import { lambdasOf } from '../../lib/infra/lambdas';
import { memberRolesTemplate } from '../../lib/infra/member-roles';
import {
  expectedLines,
  memberRoleStatements,
  ORGANIZATION_CONFIG,
  roleStatements,
  statementLines,
} from '../helpers/grants';
import { synthStack } from '../helpers/stack';
import {
  ACCOUNT_GRANTS,
  DENIED_ON_PROTECTED,
  MEMBER_ROLE_GRANTS,
  ORGANIZATION_GRANTS,
  REMOVER_CHANGES,
} from './expected-grants';

const MODES = [
  { mode: 'account', overrides: {}, expected: ACCOUNT_GRANTS },
  { mode: 'organization', overrides: ORGANIZATION_CONFIG, expected: ORGANIZATION_GRANTS },
] as const;

/** What a function's role holds, one `Effect action {condition}` line per action. */
const granted = (template: Template, lambdaName: string) =>
  statementLines(roleStatements(template, lambdaName));

/** The Allow actions alone, without their conditions. */
const allowedActions = (template: Template, lambdaName: string) =>
  roleStatements(template, lambdaName)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => [statement.Action].flat());

describe.each(MODES)('least privilege in $mode mode, for every declared function', (each) => {
  const { template } = synthStack(each.overrides);
  const declared = lambdasOf(each.mode);

  it('has written-out grants for each declared function, and for no other', () => {
    expect(Object.keys(each.expected).sort()).toEqual([...declared].sort());
    // Every function the stack builds is a declared one.
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(declared.length);
  });

  it.each(declared)('grants %s exactly the actions it calls, under their conditions', (name) => {
    const expected = each.expected[name];
    if (!expected)
      throw new Error(`${name} is declared but test/infrastructure/expected-grants.ts has no entry for it`);
    expect(granted(template, name)).toEqual(expectedLines(expected));
  });
});

describe('the member roles of the organization', () => {
  const member = memberRoleStatements(memberRolesTemplate(parseConfig(ORGANIZATION_CONFIG)));
  const account = synthStack().template;
  const organization = synthStack(ORGANIZATION_CONFIG).template;

  it('has written-out grants for each member role, and for no other', () => {
    expect([...member.keys()].sort()).toEqual(Object.keys(MEMBER_ROLE_GRANTS).sort());
  });

  it.each(Object.keys(MEMBER_ROLE_GRANTS))(
    'grants the %s role exactly its actions, under their conditions',
    (access) => {
      expect(statementLines(member.get(access) ?? [])).toEqual(expectedLines(MEMBER_ROLE_GRANTS[access]!));
    },
  );

  // The member role must hold every call a function makes in an audited account, whoever declared it.
  it.each(lambdasOf('account'))('lets %s make in a member account every call it makes in its own', (name) => {
    const inAudited = /^(iam|cloudtrail|account):/;
    const calls = allowedActions(account, name).filter((action) => inAudited.test(action));
    const assumed = roleStatements(organization, name)
      .filter(
        (statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('sts:AssumeRole'),
      )
      .map((statement) => JSON.stringify(statement).match(/member-(reader|remover)/)?.[1]);
    if (calls.length === 0) return expect(assumed).toEqual([]);
    expect(assumed).toHaveLength(1);
    const held = member
      .get(assumed[0]!)!
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat());
    expect(calls.filter((action) => !held.includes(action))).toEqual([]);
  });
});

describe('least privilege, the rules behind the lists', () => {
  const { template } = synthStack();

  it('gives IAM mutating actions to the remover only', () => {
    const mutating = /^iam:(Delete|Update|Deactivate|Detach|Remove|Tag|Untag|Create|Put|Attach|Add)/;
    for (const name of lambdasOf('account').filter((n) => n !== 'act')) {
      expect(allowedActions(template, name).filter((action) => mutating.test(action))).toEqual([]);
    }
    expect(
      [...new Set(allowedActions(template, 'act').filter((action) => mutating.test(action)))].sort(),
    ).toEqual(REMOVER_CHANGES);
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
    for (const name of lambdasOf('account')) {
      const answers = allowedActions(template, name).includes('states:SendTaskSuccess');
      expect([name, answers]).toEqual([name, answering.includes(name)]);
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
    const denied = roleStatements(template, 'act')
      .filter((statement) => statement.Effect === 'Deny')
      .flatMap((statement) => [statement.Action].flat());
    expect(denied.sort()).toEqual(DENIED_ON_PROTECTED);
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
