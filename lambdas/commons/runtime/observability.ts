import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One namespace for every metric, so the dashboard and alarms find them in one place. */
export const METRIC_NAMESPACE = 'IamJanitor';

export const logger = new Logger({ serviceName: 'iam-janitor' });
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'iam-janitor' });

/** The metric names the alarms and dashboard are built on. */
export const MetricName = {
  UsersScanned: 'UsersScanned',
  Candidates: 'Candidates',
  GuardHalts: 'GuardHalts',
  FailedAccounts: 'FailedAccounts',
  RootWarnings: 'RootWarnings',
  Decisions: 'Decisions',
  Outcomes: 'Outcomes',
  FailedOutcomes: 'FailedOutcomes',
  RemovalFailures: 'RemovalFailures',
  RejectedSlackRequests: 'RejectedSlackRequests',
  QuarantineTrips: 'QuarantineTrips',
} as const;
