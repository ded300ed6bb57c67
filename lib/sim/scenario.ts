import * as fs from 'node:fs';
import * as z from 'zod';
import { unknownFieldsMessage } from './scenario-fields';
import { afterTripSchema, isoDate, quarantineFields } from './scenario-quarantine';

/**
 * The simulation scenario format of ARCHITECTURE.md. Fields beyond the first design brief: `openCases` (users whose
 * case is already open, to show the open-case verdict), `faults.jiraDownFor` (users whose Jira
 * calls always fail, to show a permanent failure beside cases that succeed), `duringApproval`
 * (changes to a user while their case waits: recreated under the same name, a new access key, new
 * tags or groups), and `decisions.*.credential` with the action `deactivate` (issue 13: a credential
 * case's decision names its access key id or "password") and, on CloudTrail events, `responseElements`/`errorMessage` as CloudTrail
 * records them (a failed sign-in is `{ "ConsoleLogin": "Failure" }`).
 */

const status = z.enum(['Active', 'Inactive']);

const userSchema = z
  .object({
    userName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'not an IAM user name (1-64 of letters, digits and +=,.@_-)'),
    path: z
      .string()
      .regex(/^\/([\x21-\x7e]*\/)?$/, 'not an IAM path (it must start and end with "/")')
      .default('/'),
    createDate: isoDate,
    password: z.boolean().default(false),
    passwordLastUsed: isoDate.nullable().default(null),
    accessKeys: z
      .array(
        z.object({
          id: z.string().regex(/^AKIA[A-Z0-9]{4,}$/, 'not an access key id (AKIA…)'),
          status: status.default('Active'),
          createDate: isoDate,
          lastUsedDate: isoDate.nullable().default(null),
          lastUsedService: z.string().optional(),
          lastUsedRegion: z.string().optional(),
        }),
      )
      .max(2, 'IAM allows at most 2 access keys per user')
      .default([]),
    mfaDevices: z.array(z.object({ serialNumber: z.string().min(1), virtual: z.boolean() })).default([]),
    signingCertificates: z
      .array(z.object({ id: z.string().min(1), status: status.default('Active') }))
      .default([]),
    sshPublicKeys: z.array(z.object({ id: z.string().min(1), status: status.default('Active') })).default([]),
    serviceSpecificCredentials: z
      .array(z.object({ id: z.string().min(1), serviceName: z.string().min(1) }))
      .default([]),
    groups: z.array(z.string().min(1)).default([]),
    managedPolicies: z.array(z.string().startsWith('arn:', 'not a policy ARN')).default([]),
    inlinePolicies: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    permissionsBoundary: z.string().startsWith('arn:', 'not a policy ARN').optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** What one account holds, in a single-account scenario (at the top) or in each of `accounts`. */
const accountFields = {
  root: z
    .object({
      passwordLastUsed: isoDate.nullable().default(null),
      mfaActive: z.boolean().default(true),
      accessKey1Active: z.boolean().default(false),
      accessKey2Active: z.boolean().default(false),
    })
    .default({ passwordLastUsed: null, mfaActive: true, accessKey1Active: false, accessKey2Active: false }),
  users: z.array(userSchema).default([]),
  cloudTrail: z
    .array(
      z.object({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region name'),
        username: z.string().min(1),
        eventTime: isoDate,
        eventName: z.string().min(1),
        eventSource: z.string().min(1),
        sourceIPAddress: z.string().optional(),
        userAgent: z.string().optional(),
        // As CloudTrail records them: a failed console sign-in is { "ConsoleLogin": "Failure" }.
        responseElements: z.record(z.string(), z.unknown()).optional(),
        errorMessage: z.string().optional(),
      }),
    )
    .default([]),
  decisions: z
    .record(
      z.string(),
      z.object({
        action: z.enum(['delete', 'disable', 'keep', 'deactivate', 'none']),
        // What the approver types in the message's reason field (issue 17).
        reason: z.string().max(500, 'at most 500 characters, as Slack allows').optional(),
        // For a credential case: the access key id (AKIA…) or "password" the decision is about.
        credential: z
          .string()
          .regex(/^(AKIA[A-Z0-9]{4,}|password)$/, 'not an access key id (AKIA…) or "password"')
          .optional(),
        by: z
          .string()
          .regex(/^[UW][A-Z0-9]{8,}$/, 'not a Slack user id')
          .optional(),
        // After the user's quarantine tripped: Release, Delete now, or no choice (it stays quarantined).
        afterTrip: afterTripSchema.optional(),
      }),
    )
    .default({}),
  ...quarantineFields,
  activityDuringApproval: z.record(z.string(), isoDate).default({}),
  // Changes applied to the emulated account while the user's case waits for its decision.
  duringApproval: z
    .record(
      z.string(),
      z
        .object({
          recreated: z.literal(true).optional(),
          newAccessKey: z.literal(true).optional(),
          tags: z.record(z.string(), z.string()).optional(),
          // Who makes the TagUser call: the scenario's admin, or the user itself with its own key.
          tagsBy: z.enum(['admin', 'self']).optional(),
          groups: z.array(z.string().min(1)).optional(),
        })
        .strict(),
    )
    .default({}),
  openCases: z.array(z.string()).default([]),
};

/** Every decision, activity and change names a user of the same account. */
function checkUserReferences(
  account: {
    users: { userName: string }[];
    decisions: object;
    activityDuringApproval: object;
    duringApproval: object;
    quarantineAttempts: object;
    duringQuarantine: object;
  },
  ctx: z.RefinementCtx,
): void {
  const names = new Set(account.users.map((user) => user.userName));
  account.users.forEach((user, index) => {
    // IAM refuses a second user whose name differs only in case: `Alice` and `alice` are one user.
    const first = account.users.findIndex(
      (other) => other.userName.toLowerCase() === user.userName.toLowerCase(),
    );
    if (first !== index) {
      ctx.addIssue({
        code: 'custom',
        path: ['users', index, 'userName'],
        message:
          account.users[first]!.userName === user.userName
            ? `duplicate user name ${user.userName}`
            : `${user.userName} differs from ${account.users[first]!.userName} only in case, and IAM user names are not case sensitive`,
      });
    }
    const keys = Object.keys((user as { tags?: Record<string, string> }).tags ?? {});
    keys.forEach((key, keyIndex) => {
      const twin = keys.findIndex((other) => other.toLowerCase() === key.toLowerCase());
      if (twin !== keyIndex)
        ctx.addIssue({
          code: 'custom',
          path: ['users', index, 'tags', key],
          message: `${key} differs from ${keys[twin]} only in case, and IAM keeps one tag per key in any case`,
        });
    });
  });
  for (const [field, keys] of [
    ['decisions', Object.keys(account.decisions)],
    ['activityDuringApproval', Object.keys(account.activityDuringApproval)],
    ['duringApproval', Object.keys(account.duringApproval)],
    ['quarantineAttempts', Object.keys(account.quarantineAttempts)],
    ['duringQuarantine', Object.keys(account.duringQuarantine)],
  ] as const) {
    for (const key of keys)
      if (!names.has(key))
        ctx.addIssue({ code: 'custom', path: [field, key], message: `no user named ${key} in users` });
  }
}

const accountId = z.string().regex(/^\d{12}$/, 'not a 12-digit AWS account id');

/** Organization mode: one member account of the simulated organization. */
const memberAccountSchema = z
  .object({
    accountId,
    name: z.string().min(1).max(50).optional(),
    alias: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$/, 'not an IAM account alias (3-63 of a-z, 0-9 and -)')
      .optional(),
    organizationalUnitId: z
      .string()
      .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'not an OU id (ou-…)')
      .optional(),
    state: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']).default('ACTIVE'),
    /** False: the StackSet never reached the account, and its member roles cannot be assumed. */
    memberRoles: z.boolean().default(true),
    ...accountFields,
  })
  .strict()
  .superRefine(checkUserReferences);

export const scenarioSchema = z
  .object({
    now: isoDate,
    accountId: accountId.default('123456789012'),
    config: z.record(z.string(), z.unknown()).default({}),
    ...accountFields,
    /** Organization mode: the member accounts; the top-level account is then the hub's own. */
    accounts: z.array(memberAccountSchema).optional(),
    // Offboardings requested after the sweep, as `iam-janitor offboard` would start them (issue 17).
    offboard: z
      .array(
        z
          .object({
            userName: z.string().min(1),
            /** Organization mode: the member account, as `offboard --account` names it. */
            account: accountId.optional(),
            reason: z.string().max(500).optional(),
            by: z.string().regex(/^[UW][A-Z0-9]{8,}$/, 'not a Slack user id'),
          })
          .strict(),
      )
      .default([]),
    /** Sweeps after the first, on the scenario's clock: each opens the cases its own day finds. */
    laterSweeps: z.array(isoDate).default([]),
    faults: z
      .object({
        iamThrottleRate: z.number().min(0).max(0.9, 'above 0.9 nothing would get through').default(0),
        jiraFailures: z.number().int().min(0).default(0),
        slackFailures: z.number().int().min(0).default(0),
        jiraDownFor: z.array(z.string()).default([]),
      })
      .default({ iamThrottleRate: 0, jiraFailures: 0, slackFailures: 0, jiraDownFor: [] }),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    checkUserReferences(scenario, ctx);
    scenario.laterSweeps.forEach((at, index) => {
      const previous = index === 0 ? scenario.now : scenario.laterSweeps[index - 1]!;
      if (Date.parse(at) <= Date.parse(previous))
        ctx.addIssue({
          code: 'custom',
          path: ['laterSweeps', index],
          message: `must be after ${previous}: later sweeps run in order, after the first at now`,
        });
    });
    if (!scenario.accounts) {
      scenario.offboard.forEach((request, index) => {
        if (request.account)
          ctx.addIssue({
            code: 'custom',
            path: ['offboard', index, 'account'],
            message: 'names a member account: only a scenario with accounts has them',
          });
      });
      return;
    }
    if (scenario.users.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['users'],
        message: 'with accounts, users belong to their account: move them into accounts[].users',
      });
    scenario.offboard.forEach((request, index) => {
      if (!request.account)
        ctx.addIssue({
          code: 'custom',
          path: ['offboard', index, 'account'],
          message:
            'is required with accounts: name the member account the user lives in, as offboard --account does',
        });
    });
    scenario.accounts.forEach((account, index) => {
      if (scenario.accounts!.findIndex((other) => other.accountId === account.accountId) !== index)
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index, 'accountId'],
          message: `duplicate account ${account.accountId}`,
        });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;

export class InvalidScenarioError extends Error {
  override name = 'InvalidScenarioError';
}

/** `users[3].accessKeys[0].lastUsedDate` */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );
}

export function parseScenario(raw: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const message =
      issue.code === 'unrecognized_keys'
        ? unknownFieldsMessage(scenarioSchema, issue.keys, issue.path)
        : issue.message;
    return `  ${formatPath(issue.path) || '(root)'}: ${message}`;
  });
  throw new InvalidScenarioError(`${source} is not a valid scenario:\n${problems.join('\n')}`);
}

export function loadScenario(file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidScenarioError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return parseScenario(raw, file);
}

export type ScenarioAccount = Omit<z.infer<typeof memberAccountSchema>, 'state' | 'memberRoles'>;
