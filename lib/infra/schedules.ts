import { TimeZone } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import type { LambdaSchedule, LambdaSpec } from './lambdas';

/** The sweep, on the configured schedule, in the configured time zone. */
export function scheduleSweep(scope: Construct, sweep: sfn.StateMachine, config: JanitorConfig): void {
  new scheduler.Schedule(scope, 'SweepSchedule', {
    description: 'Starts the iam-janitor sweep',
    schedule: scheduler.ScheduleExpression.expression(config.schedule, TimeZone.of(config.scheduleTimezone)),
    target: new schedulerTargets.StepFunctionsStartExecution(sweep, {
      input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
    }),
  });
}

/** Each function on the schedule its declaration gives (lib/infra/lambdas.ts), invoked with an empty event. */
export function scheduleFunctions(
  scope: Construct,
  scheduled: readonly (readonly [LambdaSpec, lambda.IFunction])[],
  config: JanitorConfig,
): void {
  for (const [spec, fn] of scheduled) {
    const { id, description, expression } = spec.schedule!;
    new scheduler.Schedule(scope, id, {
      description,
      schedule: scheduleExpression(expression, config),
      target: new schedulerTargets.LambdaInvoke(fn, {}),
    });
  }
}

/** A fixed rate as written (CDK writes it in UTC, where a rate is the same); a cron in the config's time zone. */
function scheduleExpression(
  expression: LambdaSchedule['expression'],
  config: JanitorConfig,
): scheduler.ScheduleExpression {
  if ('rate' in expression) return scheduler.ScheduleExpression.expression(expression.rate);
  return scheduler.ScheduleExpression.expression(
    config[expression.cron],
    TimeZone.of(config.scheduleTimezone),
  );
}
