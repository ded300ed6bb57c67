import * as z from 'zod';

/** The scenario's quarantine fields (ARCHITECTURE.md, "Simulation scenario"). */

/** A date as the scenario writes it: `2026-11-22` or an ISO time. */
export const isoDate = z
  .string()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value)),
    'not an ISO date',
  );

/** `decisions.<user>.afterTrip`: what the approvers choose after the user's quarantine tripped. */
export const afterTripSchema = z
  .object({
    action: z.enum(['release', 'delete', 'none']),
    by: z
      .string()
      .regex(/^[UW][A-Z0-9]{8,}$/, 'not a Slack user id')
      .optional(),
    reason: z.string().max(500, 'at most 500 characters, as Slack allows').optional(),
  })
  .strict();

const userName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'not an IAM user name (1-64 of letters, digits and +=,.@_-)');

/** An IAM policy document, as PutUserPolicy takes it. */
const policyDocument = z
  .object({
    Version: z.string().optional(),
    Statement: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
  })
  .passthrough();

export const quarantineFields = {
  // Someone tries a quarantined user's credential (an access key id, "password", an SSH key or a
  // service-specific credential id), on that day of the scenario.
  quarantineAttempts: z
    .record(
      z.string(),
      z.array(
        z
          .object({
            at: isoDate,
            credential: z.string().min(1),
            eventName: z.string().min(1).optional(),
            eventSource: z.string().min(1).optional(),
            region: z
              .string()
              .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region name')
              .optional(),
            sourceIPAddress: z.string().min(1).optional(),
          })
          .strict(),
      ),
    )
    .default({}),
  // Changes to a user during its quarantine (an admin tags it protected, say), at that moment.
  duringQuarantine: z
    .record(
      z.string(),
      z
        .object({
          at: isoDate,
          tags: z.record(z.string(), z.string()).optional(),
          newAccessKey: z.literal(true).optional(),
          detachPolicyArns: z
            .array(z.string().regex(/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\//, 'not an IAM policy ARN'))
            .optional(),
          renameTo: userName.optional(),
          addGroups: z.array(z.string().regex(/^[\w+=,.@-]{1,128}$/, 'not an IAM group name')).optional(),
          putInlinePolicies: z
            .record(z.string().regex(/^[\w+=,.@-]{1,128}$/, 'not an IAM policy name'), policyDocument)
            .optional(),
        })
        .strict(),
    )
    .default({}),
};
