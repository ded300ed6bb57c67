#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext, InvalidConfigError } from '../lambdas/commons/config/config';
import type { IamJanitorProps } from '../lib/infra/iam-janitor';
import { IamJanitorStack } from '../lib/infra/iam-janitor-stack';

const app = new App();

// bin/ only maps context to props: the construct validates them and names any bad key. Every
// context key but CDK's own is passed on, so that a misspelt key is refused, never dropped.
const config = configFromContext(app.node.getAllContext());

try {
  new IamJanitorStack(app, app.node.tryGetContext('stackName') ?? 'IamJanitor', {
    config: config as unknown as IamJanitorProps,
    description: "iam-janitor: finds inactive IAM users and removes them on an approver's decision in Slack",
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  // A config mistake is the user's to fix: one line per bad key, no stack trace.
  if (!(error instanceof InvalidConfigError)) throw error;
  process.stderr.write(
    `${error.message}\nFix cdk.json's "context" (or the -c flag), then run the command again.\n`,
  );
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
