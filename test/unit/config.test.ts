import { configForAccount, configFromContext, parseConfig } from '../../lambdas/commons/config/config';
import { synthStack, VALID_CONFIG } from '../helpers/stack';

describe('config validation at synth', () => {
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['thresholdDays of 0', { thresholdDays: 0 }, /thresholdDays: must be above 0/],
    ['negative thresholdDays', { thresholdDays: -3 }, /thresholdDays: must be above 0/],
    ['fractional thresholdDays', { thresholdDays: 4.5 }, /thresholdDays: must be a whole number/],
    [
      'a malformed Slack channel id',
      { slackChannelId: '#security' },
      /slackChannelId: must be a Slack channel id/,
    ],
    [
      'a malformed approver id',
      { approverSlackUserIds: ['alice'] },
      /approverSlackUserIds\.0: must be a Slack user id/,
    ],
    [
      'an empty approver list',
      { approverSlackUserIds: [] },
      /approverSlackUserIds: must list at least one approver/,
    ],
    ['a malformed team id', { slackTeamId: 'acme' }, /slackTeamId: must be a Slack team/],
    [
      'a malformed Jira project key',
      { jiraProjectKey: 'sec-1' },
      /jiraProjectKey: must be a Jira project key/,
    ],
    ['a Jira URL that is not a URL', { jiraBaseUrl: 'example.atlassian.net' }, /jiraBaseUrl: must be a URL/],
    [
      'a Jira URL over plain http',
      { jiraBaseUrl: 'http://example.atlassian.net' },
      /jiraBaseUrl: must use https/,
    ],
    ['maxCandidateFraction of 0', { maxCandidateFraction: 0 }, /maxCandidateFraction: must be in \(0, 1\]/],
    [
      'maxCandidateFraction above 1',
      { maxCandidateFraction: 1.5 },
      /maxCandidateFraction: must be in \(0, 1\]/,
    ],
    ['maxCasesPerRun of 0', { maxCasesPerRun: 0 }, /maxCasesPerRun: must be at least 1/],
    [
      'a schedule that is not a Scheduler expression',
      { schedule: '0 8 * * *' },
      /schedule: must be an EventBridge Scheduler expression/,
    ],
    [
      'an unknown time zone',
      { scheduleTimezone: 'Mars/Olympus' },
      /scheduleTimezone: must be an IANA time zone/,
    ],
    [
      'a reminder no sooner than the timeout',
      { approvalTimeoutHours: 24, reminderHours: 24 },
      /reminderHours: must be below approvalTimeoutHours/,
    ],
    [
      'an approval timeout beyond a year',
      { approvalTimeoutHours: 9000 },
      /approvalTimeoutHours: must be at most 8760/,
    ],
    [
      'an invalid protected tag key',
      { protectedTagKey: 'bad#key' },
      /protectedTagKey: must be a valid IAM tag key/,
    ],
    [
      'an exempt path without slashes',
      { exemptPathPrefixes: ['service'] },
      /exemptPathPrefixes\.0: must be an IAM path prefix/,
    ],
    [
      'an unknown region',
      { cloudTrailRegions: ['Europe'] },
      /cloudTrailRegions\.0: must be an AWS region name/,
    ],
    ['a dryRun that is not a boolean', { dryRun: 'yes' }, /dryRun: must be true or false/],
    ['a misspelt key', { treshholdDays: 30 }, /treshholdDays: unknown key; did you mean thresholdDays\?/],
    ['an invalid alarm e-mail', { alarmEmail: 'security-team' }, /alarmEmail: must be an e-mail address/],
  ];

  it.each(invalid)('rejects %s, naming the key and the rule', (_label, override, message) => {
    // GIVEN a config with one bad value WHEN the stack is synthesized THEN synth fails naming it
    expect(() => synthStack(override as never)).toThrow(message);
  });

  it('names a missing required key', () => {
    const withoutChannel: Record<string, unknown> = { ...VALID_CONFIG };
    delete withoutChannel.slackChannelId;
    expect(() => parseConfig(withoutChannel)).toThrow(/slackChannelId: is required/);
  });

  it('requires a workspace or an Enterprise Grid organization, and takes either alone', () => {
    const withoutTeam: Record<string, unknown> = { ...VALID_CONFIG };
    delete withoutTeam.slackTeamId;
    expect(() => parseConfig(withoutTeam)).toThrow(/slackTeamId: is required \(or slackEnterpriseId/);
    expect(parseConfig({ ...withoutTeam, slackEnterpriseId: 'E0123ABCDEF' }).slackEnterpriseId).toBe(
      'E0123ABCDEF',
    );
    expect(() => parseConfig({ ...VALID_CONFIG, slackEnterpriseId: 'T0123ABCDEF' })).toThrow(
      /slackEnterpriseId: must be a Slack Enterprise Grid organization id/,
    );
  });

  it('requires an organization and its OUs in organization mode, and keeps per-account overrides to it', () => {
    expect(() => parseConfig({ ...VALID_CONFIG, deploymentMode: 'organization' })).toThrow(
      /organizationId: is required in organization mode[\s\S]*memberOrganizationalUnitIds: must list at least one OU/,
    );
    expect(() => parseConfig({ ...VALID_CONFIG, deploymentMode: 'organisation' })).toThrow(
      /deploymentMode: must be "account" \(one deployment per account\) or "organization"/,
    );
    expect(() =>
      parseConfig({ ...VALID_CONFIG, accountOverrides: { '111122223333': { thresholdDays: 30 } } }),
    ).toThrow(/accountOverrides: applies in organization mode only/);
    const organization = {
      ...VALID_CONFIG,
      deploymentMode: 'organization',
      organizationId: 'o-a1b2c3d4e5',
      memberOrganizationalUnitIds: ['r-a1b2'],
    };
    expect(() =>
      parseConfig({ ...organization, accountOverrides: { '1111': { thresholdDays: 30 } } }),
    ).toThrow(/accountOverrides\.1111: must be a 12-digit AWS account id/);
    expect(() =>
      parseConfig({ ...organization, accountOverrides: { '111122223333': { protectedTagKey: 'x' } } }),
    ).toThrow(/accountOverrides\.111122223333: unknown key\(s\) protectedTagKey$/m);
    const parsed = parseConfig({
      ...organization,
      accountOverrides: { '111122223333': { thresholdDays: 30, approverSlackUserIds: ['U0PAYLEAD01'] } },
    });
    expect(configForAccount(parsed, '111122223333')).toMatchObject({
      thresholdDays: 30,
      approverSlackUserIds: ['U0PAYLEAD01'],
      slackChannelId: VALID_CONFIG.slackChannelId,
    });
    expect(configForAccount(parsed, '444455556666')).toBe(parsed);
  });

  it('refuses an OU that is both a StackSet target and excluded: the member roles would be placed there', () => {
    const organization = {
      ...VALID_CONFIG,
      deploymentMode: 'organization',
      organizationId: 'o-a1b2c3d4e5',
      memberOrganizationalUnitIds: ['ou-a1b2-sandbox1', 'ou-a1b2-prod0001'],
    };
    expect(() =>
      parseConfig({ ...organization, excludeOrganizationalUnitIds: ['ou-a1b2-sandbox1'] }),
    ).toThrow(/excludeOrganizationalUnitIds: ou-a1b2-sandbox1 is also in memberOrganizationalUnitIds/);
    expect(() =>
      parseConfig({ ...organization, excludeOrganizationalUnitIds: ['ou-a1b2-other001'] }),
    ).not.toThrow();
  });

  it('fills the documented defaults', () => {
    const config = parseConfig(VALID_CONFIG);
    expect(config).toMatchObject({
      thresholdDays: 45,
      approvalTimeoutHours: 168,
      keepDays: 90,
      protectedTagKey: 'iam-janitor:protected',
      keepUntilTagKey: 'iam-janitor:keep-until',
      maxCasesPerRun: 25,
      maxCandidateFraction: 0.2,
      dryRun: false,
    });
  });

  it('accepts the cdk.json shipped with the project', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { context } = require('../../cdk.json') as { context: Record<string, unknown> };
    // As bin/app.ts reads it: CDK's own feature flags, pinned in the same context, are not config.
    expect(() => parseConfig(configFromContext(context))).not.toThrow();
  });
});
