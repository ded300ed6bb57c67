import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DECISIONS } from '../../lambdas/commons/contracts/decision';
import { OUTCOMES } from '../../lambdas/commons/contracts/outcome';
import { METRIC_NAMESPACE, MetricName } from '../../lambdas/commons/runtime/observability';

/** A metric of the Lambdas, summed over 5 minutes. Labels are for the dashboard only: a labelled metric makes an alarm a metric-math alarm. */
function metric(
  metricName: string,
  label?: string,
  dimensionsMap: Record<string, string> = { service: 'iam-janitor' },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap,
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...(label ? { label } : {}),
  });
}

/**
 * The alarms of the runbook and the dashboard: failed and timed-out executions, guard halts,
 * failed cases, and bursts of rejected Slack requests. Each alarm notifies `topic` when given.
 */
export function createAlarmsAndDashboard(
  scope: Construct,
  machines: { readonly sweep: sfn.StateMachine; readonly case: sfn.StateMachine },
  topic: sns.Topic | undefined,
  options: { readonly organization?: boolean } = {},
): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (id: string, description: string, alarmMetric: cloudwatch.IMetric, threshold = 1) => {
    const created = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric: alarmMetric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (topic) created.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    alarms.push(created);
  };

  for (const [name, machine] of [
    ['Sweep', machines.sweep],
    ['Case', machines.case],
  ] as const) {
    alarm(
      `${name}ExecutionsFailed`,
      `An iam-janitor ${name.toLowerCase()} execution failed: open its history in the Step Functions console.`,
      machine.metricFailed({ period: Duration.minutes(5) }),
    );
    alarm(
      `${name}ExecutionsTimedOut`,
      `An iam-janitor ${name.toLowerCase()} execution timed out.`,
      machine.metricTimedOut({ period: Duration.minutes(5) }),
    );
  }
  alarm(
    'GuardHalted',
    'The blast-radius guard halted a sweep: a larger share of candidates than maxCandidateFraction. Check the credential report; if they are real, run iam-janitor acknowledge-guard once.',
    metric(MetricName.GuardHalts),
  );
  alarm(
    'FailedOutcome',
    'A case ended failed. The user was not removed without a snapshot; see the runbook.',
    metric(MetricName.FailedOutcomes),
  );
  if (options.organization)
    alarm(
      'AccountInventoryFailed',
      "An account's inventory failed in the organization sweep (its member role could not be assumed, or its credential report never came); the other accounts went on. The sweep's output names the account.",
      metric(MetricName.FailedAccounts),
    );
  alarm(
    'QuarantineTripped',
    "Someone tried the credentials of a quarantined user: its deletion is stopped and it stays denied everything. The case's Slack thread and Jira ticket name the credential, the time, the source and the action refused; the approvers choose Release or Delete now.",
    metric(MetricName.QuarantineTrips),
  );
  alarm(
    'RejectedSlackBurst',
    'Many Slack requests with a bad signature, team or approver in 5 minutes: someone may be forging clicks.',
    metric(MetricName.RejectedSlackRequests),
    20,
  );
  createDashboard(scope, alarms);
  return alarms;
}

/** What an operator looks at: the sweep, the decisions (every button), the outcomes, the problems and the alarms. */
function createDashboard(scope: Construct, alarms: cloudwatch.Alarm[]): void {
  new cloudwatch.Dashboard(scope, 'Dashboard', {
    widgets: [
      [
        new cloudwatch.GraphWidget({
          title: 'Sweep',
          left: [
            metric(MetricName.UsersScanned, 'Users scanned'),
            metric(MetricName.Candidates, 'Candidates'),
            metric(MetricName.GuardHalts, 'Guard halts'),
            metric(MetricName.RootWarnings, 'Root warnings'),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: 'Decisions',
          left: DECISIONS.map((decision) =>
            metric(MetricName.Decisions, decision, { service: 'iam-janitor', decision }),
          ),
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Outcomes',
          left: OUTCOMES.map((outcome) =>
            metric(MetricName.Outcomes, outcome, { service: 'iam-janitor', outcome }),
          ),
        }),
        new cloudwatch.GraphWidget({
          title: 'Problems',
          left: [
            metric(MetricName.FailedOutcomes, 'Failed cases'),
            metric(MetricName.RemovalFailures, 'Removal failures'),
            metric(MetricName.RejectedSlackRequests, 'Rejected Slack requests'),
            metric(MetricName.QuarantineTrips, 'Quarantine trips'),
          ],
        }),
      ],
      [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24 })],
    ],
  });
}
