import { stableId } from '../account';
import type { AwsStandinOptions } from './standin-types';
import { StandinError } from './standin-types';
import { memberValues } from './xml';

/**
 * What `iam-janitor doctor` reads of a deployment, answered from the stand-in's options: the
 * stack's outputs (CloudFormation), the alarm topic's subscriptions (SNS) and the roles' policies
 * (IAM's policy simulator).
 */

const CLOUDFORMATION_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export type DeploymentAnswer = { readonly namespace: string; readonly logged: Record<string, string> } & (
  { readonly result: object } | { readonly failure: { status: number; code: string; message: string } }
);

/** CloudFormation's DescribeStacks, in the query protocol: the stacks and outputs the options name. */
export function describeStacks(
  params: Record<string, string>,
  options: AwsStandinOptions,
  accountId: string,
): DeploymentAnswer {
  const action = params.Action ?? '';
  const name = params.StackName ?? '';
  const base = { namespace: CLOUDFORMATION_NS, logged: { StackName: name } };
  const outputs = options.stacks?.[name];
  if (action !== 'DescribeStacks' || outputs === undefined)
    return {
      ...base,
      failure: {
        status: 400,
        code: 'ValidationError',
        message:
          action === 'DescribeStacks' ? `Stack with id ${name} does not exist` : `${action} is not served`,
      },
    };
  const stack = {
    StackName: name,
    StackId: `arn:aws:cloudformation:us-east-1:${accountId}:stack/${name}/${stableId('', name, 8)}`,
    CreationTime: '2026-01-05T09:00:00.000Z',
    StackStatus: 'UPDATE_COMPLETE',
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  };
  return { ...base, result: { Stacks: [stack] } };
}

/**
 * SNS's ListSubscriptionsByTopic, in the query protocol. A subscription not yet confirmed has the
 * ARN "PendingConfirmation", as SNS answers; an unknown topic is NotFound.
 */
export function listSubscriptionsByTopic(
  params: Record<string, string>,
  options: AwsStandinOptions,
  accountId: string,
): DeploymentAnswer {
  const action = params.Action ?? '';
  const topicArn = params.TopicArn ?? '';
  const base = { namespace: SNS_NS, logged: { TopicArn: topicArn } };
  const subscriptions = options.topics?.[topicArn];
  if (action !== 'ListSubscriptionsByTopic' || !subscriptions)
    return { ...base, failure: { status: 404, code: 'NotFound', message: 'Topic does not exist' } };
  const members = subscriptions.map((subscription, index) => ({
    TopicArn: topicArn,
    Protocol: subscription.protocol,
    Endpoint: subscription.endpoint,
    Owner: accountId,
    SubscriptionArn: subscription.confirmed
      ? `${topicArn}:${stableId('', `${topicArn}/${index}`, 8)}`
      : 'PendingConfirmation',
  }));
  return { ...base, result: { Subscriptions: members } };
}

/**
 * IAM's policy simulator for a role the options know: each action is allowed unless the role's
 * policies leave it out (implicitDeny) or an SCP denies it (explicitDeny, AllowedByOrganizations
 * false). An unknown role is NoSuchEntity, as IAM answers.
 */
export function simulatePrincipalPolicy(params: Record<string, string>, options: AwsStandinOptions): unknown {
  const arn = params.PolicySourceArn ?? '';
  const role = options.roles?.[arn];
  if (!role)
    throw new StandinError(
      'NoSuchEntity',
      `The role with name ${arn.split('/').pop()} cannot be found.`,
      404,
    );
  return {
    EvaluationResults: memberValues(params, 'ActionNames').map((action) => {
      const bySCP = role.deniedByOrganizations?.includes(action) ?? false;
      const byPolicy = role.implicitlyDenied?.includes(action) ?? false;
      return {
        EvalActionName: action,
        EvalResourceName: '*',
        EvalDecision: bySCP ? 'explicitDeny' : byPolicy ? 'implicitDeny' : 'allowed',
        OrganizationsDecisionDetail: { AllowedByOrganizations: !bySCP },
      };
    }),
    IsTruncated: false,
  };
}
