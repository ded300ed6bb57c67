import { CfnElement, CfnOutput, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { IamJanitor, type IamJanitorProps } from './iam-janitor';
import { LAMBDAS, type LambdaName } from './lambdas';
import { organizationSweepName } from './workflow';

export interface IamJanitorStackProps extends StackProps {
  readonly config: IamJanitorProps;
}

/** The deployable unit: the IamJanitor construct, its outputs, and the reasons for each cdk-nag acknowledgement. */
export class IamJanitorStack extends Stack {
  public readonly janitor: IamJanitor;

  constructor(scope: Construct, id: string, props: IamJanitorStackProps) {
    super(scope, id, props);
    this.janitor = new IamJanitor(this, 'IamJanitor', props.config);

    // Each Function URL, under the output its declaration names (lib/infra/lambdas.ts).
    for (const [name, url] of Object.entries(this.janitor.functionUrls) as [LambdaName, FunctionUrl][]) {
      const { output, description } = LAMBDAS[name].functionUrl!;
      new CfnOutput(this, output, { description, value: url.url });
    }
    new CfnOutput(this, 'SweepStateMachineArn', { value: this.janitor.sweepStateMachine.stateMachineArn });
    new CfnOutput(this, 'CaseStateMachineArn', { value: this.janitor.caseStateMachine.stateMachineArn });
    new CfnOutput(this, 'CaseTableName', { value: this.janitor.caseTable.tableName });
    new CfnOutput(this, 'SlackSecretName', {
      description:
        'Fill with {"slackBotToken", "slackSigningSecret"}: aws secretsmanager put-secret-value --secret-id <this> --secret-string file://slack.json',
      value: this.janitor.slackSecret.secretName,
    });
    new CfnOutput(this, 'JiraSecretName', {
      description:
        'Fill with {"jiraEmail", "jiraApiToken"}: aws secretsmanager put-secret-value --secret-id <this> --secret-string file://jira.json',
      value: this.janitor.jiraSecret.secretName,
    });

    // `iam-janitor doctor` asks IAM's policy simulator whether these two roles may make their reads.
    new CfnOutput(this, 'InventoryRoleArn', {
      description: 'The role that reads the credential report (iam-janitor doctor checks its permissions)',
      value: this.janitor.functions.inventory.role!.roleArn,
    });
    new CfnOutput(this, 'ContextRoleArn', {
      description: 'The role that looks up CloudTrail events (iam-janitor doctor checks its permissions)',
      value: this.janitor.functions['gather-context'].role!.roleArn,
    });

    // With alarmEmail: doctor checks that its subscription was confirmed, or nobody hears an alarm.
    if (this.janitor.alarmTopic)
      new CfnOutput(this, 'AlarmTopicArn', { value: this.janitor.alarmTopic.topicArn });

    this.acknowledgeNagFindings();
  }

  /** Each cdk-nag AwsSolutions finding this stack accepts, with the reason it is accepted. */
  private acknowledgeNagFindings(): void {
    const janitor = this.janitor;
    // cdk-nag names a finding by the resource as written: a token for an environment-agnostic stack, digits otherwise.
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const ack = (id: string, reason: string) =>
      Validations.of(this).acknowledge({ id: `AwsSolutions::${id}`, reason });
    ack(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets each function write its own logs; it is the AWS-maintained minimum for that.',
    );
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'Only actions that support no resource-level permission are granted on *: iam:GenerateCredentialReport, iam:GetCredentialReport, iam:GetAccountAuthorizationDetails, ' +
        "iam:ListVirtualMFADevices, cloudtrail:LookupEvents, organizations:ListAccounts (with ListAccountsForParent and ListOrganizationalUnitsForParent, which walk excluded OUs of any depth), the X-Ray trace writes and the state machines' log delivery.",
    );
    ack(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:user/*]`,
      'The users are chosen at run time from the credential report, so user actions are scoped to the users of this account; ' +
        'mutating actions are denied on every user that carries the protected tag.',
    );
    ack(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:group/*]`,
      'iam:RemoveUserFromGroup is authorized against the group, and a removed user may belong to any group of the account.',
    );
    ack(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:mfa/*]`,
      'iam:DeleteVirtualMFADevice is authorized against the device, whose name the user chose.',
    );
    for (const fn of Object.values(janitor.functions)) {
      const logicalId = this.getLogicalId(fn.node.defaultChild as CfnElement);
      ack(
        `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        'The invoke grant covers the versions and aliases of this one function, as CDK grantInvoke writes it.',
      );
    }
    if (janitor.config.deploymentMode === 'organization') {
      const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
      for (const role of ['reader', 'remover'])
        ack(
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${janitor.config.memberRoleName}-${role}]`,
          `The member role has the same name in every account of the organization, and accounts join it after deploy; the grant holds only inside the organization (aws:ResourceOrgID ${janitor.config.organizationId}).`,
        );
      ack(
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${organizationSweepName(this)}/InventoryAccounts:*]`,
        "The Distributed Map's child executions get generated names under the map run's label; these are the statements AWS documents for a Distributed Map.",
      );
      ack(
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${organizationSweepName(this)}:*]`,
        "list-accounts asks whether the sweep that holds the organization's lease still runs: each sweep's execution has its own name, and the grant is DescribeExecution on this one machine's executions only.",
      );
    }
    ack(
      'AwsSolutions-SMG4',
      'The secret holds a Slack bot token and a Jira API token that only Slack and Atlassian can issue; the runbook rotates them by hand.',
    );
    if (janitor.alarmTopic) {
      ack(
        'AwsSolutions-SNS2',
        'Alarm notifications carry alarm names only, no user data or secrets; CloudWatch cannot publish to a topic under the AWS-managed SNS key.',
      );
    }
  }
}
