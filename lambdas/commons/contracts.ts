import * as z from 'zod';

/** The sparse index of the case table that holds one marker per user with an open case. */
export const OPEN_CASES_INDEX = 'openCasesByUser';

/** The keys of the two Secrets Manager secrets, filled by the operator with put-secret-value. */
export const SLACK_SECRET_KEYS = ['slackBotToken', 'slackSigningSecret'] as const;
export const JIRA_SECRET_KEYS = ['jiraEmail', 'jiraApiToken'] as const;

export const VERDICTS = ['active', 'inactive', 'grace', 'exempt', 'snoozed', 'open-case'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DECISIONS = ['delete', 'disable', 'keep'] as const;
export type Decision = (typeof DECISIONS)[number];

export const OUTCOMES = [
  'deleted',
  'disabled',
  'kept',
  'expired',
  'aborted-active',
  'aborted-changed',
  'failed',
  'dry-run',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ACTIVITY_SOURCES = ['password', 'access_key_1', 'access_key_2', 'user_creation_time'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

/**
 * What the sweep hands to each case: a reference, never the report. Small enough that the largest
 * allowed candidate list stays far below Step Functions' 256 KB payload limit.
 */
export const candidateSchema = z.object({
  userName: z.string().min(1),
  userId: z.string().min(1),
  arn: z.string().min(1),
  reason: z.string(),
  lastActivity: z.string().nullable(),
  lastActivitySource: z.enum(ACTIVITY_SOURCES),
  idleDays: z.number().int(),
});
export type Candidate = z.infer<typeof candidateSchema>;

/** What the interactions Lambda sends with SendTaskSuccess, and what the case machine acts on. */
export const decisionSchema = z.object({
  decision: z.enum(DECISIONS),
  decidedBy: z.string().min(1),
  decidedAt: z.string().min(1),
});
export type DecisionRecord = z.infer<typeof decisionSchema>;
