import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IamJanitorProps } from '../../lib/infra/iam-janitor';
import { IamJanitorStack } from '../../lib/infra/iam-janitor-stack';

export const VALID_CONFIG: IamJanitorProps = {
  thresholdDays: 45,
  schedule: 'cron(0 8 ? * MON-FRI *)',
  scheduleTimezone: 'Europe/Paris',
  slackChannelId: 'C0123ABCDEF',
  approverSlackUserIds: ['U0123ABCDEF'],
  slackTeamId: 'T0123ABCDEF',
  jiraBaseUrl: 'https://example.atlassian.net',
  jiraProjectKey: 'SEC',
  protectedTagKey: 'iam-janitor:protected',
  // These tests are of the immediate deletion (quarantineDays 0); test/workflow/quarantine.test.ts
  // and examples/quarantine.json are of the quarantine the default (14 days) puts before it.
  quarantineDays: 0,
};

/** Synthesizes the stack. Bundling is skipped unless asked: esbuild for 8 functions costs seconds per test file. */
export function synthStack(
  overrides: Partial<IamJanitorProps> = {},
  options: { bundle?: boolean; nag?: boolean } = {},
) {
  const app = new App({
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new IamJanitorStack(app, 'TestJanitor', {
    config: { ...VALID_CONFIG, ...overrides },
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { app, stack, template: options.nag ? (undefined as never) : Template.fromStack(stack) };
}
