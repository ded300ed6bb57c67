#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_KEYS } from '../lambdas/commons/config';
import type { IamJanitorProps } from '../lib/iam-janitor';
import { IamJanitorStack } from '../lib/iam-janitor-stack';

const app = new App();

// bin/ only maps context to props: the construct validates them and names any bad key.
const config: Record<string, unknown> = {};
for (const key of CONFIG_KEYS) {
  const value: unknown = app.node.tryGetContext(key);
  if (value !== undefined) config[key] = fromCommandLine(value);
}

new IamJanitorStack(app, app.node.tryGetContext('stackName') ?? 'IamJanitor', {
  config: config as IamJanitorProps,
  description: "iam-janitor: finds inactive IAM users and removes them on an approver's decision in Slack",
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

/** `cdk synth -c thresholdDays=30` passes strings; cdk.json passes JSON values. */
function fromCommandLine(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
