import * as path from 'node:path';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import {
  ALIAS_GRANTS,
  CONTEXT_GRANTS,
  INVENTORY_GRANTS,
  removerGrants,
  WATCH_GRANTS,
  type AccountGrant,
} from './account-grants';

/**
 * One entry per Lambda, the whole truth about it: what it is, how it is sized, what invokes it
 * besides its Task states (a schedule, a Function URL), and everything its role may do apart from
 * what ties it to the state machines (its Task states' ARNs, which the workflow registry names).
 * The stack builds, grants, schedules and exposes from it; the organization's member roles hold
 * the account calls of the functions that assume them; the README's functions table and the
 * simulator's handlers follow. No CDK here, so that the simulator reads it as it is.
 * `test/infrastructure/grants.test.ts` writes each role's actions out as literals from the code's
 * own calls, for every function declared here, so an over-grant here fails there.
 *
 * Adding a Lambda: its folder `lambdas/<name>/handler.ts` and an entry here (see ARCHITECTURE.md,
 * "Adding a Lambda"); a Task state also needs its state in the ASL and in `workflow.ts`.
 */
export interface LambdaSpec {
  readonly description: string;
  /** Only an organization deployment builds it. */
  readonly organizationOnly?: true;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memorySize?: number;
  /** Reserved concurrency, from the config; unreserved when it gives nothing. */
  readonly reservedConcurrency?: (config: JanitorConfig) => number | undefined;
  /** An EventBridge Scheduler schedule that invokes it (with an empty event). */
  readonly schedule?: LambdaSchedule;
  /** A Function URL with no IAM auth (the handler authenticates each request), given as a stack output. */
  readonly functionUrl?: { readonly output: string; readonly description: string };
  /** Whether it resumes waiting cases: states:SendTaskSuccess on the case machine. */
  readonly answersTaskTokens?: true;
  /** The case table: item actions on the table, and whether it scans the open-cases index. */
  readonly table?: {
    readonly actions: readonly TableAction[];
    readonly openCasesIndex?: boolean;
    /** Whether it queries the cases-by-user index (the cases that wrote a user's marker tags). */
    readonly casesByUserIndex?: boolean;
    /**
     * By action, the only keys it may touch (`dynamodb:LeadingKeys`), one statement an action;
     * every key of the table when it names none. Each action of `actions` needs its entry.
     */
    readonly leadingKeys?: Partial<Record<TableAction, readonly string[]>>;
  };
  /** Whether it asks Step Functions whether an organization sweep still runs (DescribeExecution). */
  readonly describesOrganizationSweeps?: boolean;
  /** The secrets it reads (GetSecretValue only), in this order. */
  readonly secrets?: readonly ('slack' | 'jira')[];
  /** What it calls inside an audited account (IAM, CloudTrail, Account). */
  readonly inAccount?: AccountNeeds;
  /** Organization mode: its AWS Organizations reads. */
  readonly organizations?: readonly string[];
}

/**
 * A function's calls inside an audited account: in account mode, on its own role; in organization
 * mode, on the member role it assumes, which holds the calls of every function that assumes it.
 */
export interface AccountNeeds {
  readonly grants: (config: JanitorConfig) => readonly AccountGrant[];
  /** Organization mode: the member role it assumes for them. */
  readonly memberRole: MemberRoleAccess;
  /** Organization mode only: the calls it makes in a member account alone. */
  readonly inMemberAccountsOnly?: readonly AccountGrant[];
}

export type MemberRoleAccess = 'reader' | 'remover';

export interface LambdaSchedule {
  /** The schedule's construct id, as first deployed: another id would replace the schedule. */
  readonly id: string;
  readonly description: string;
  /**
   * EventBridge Scheduler's expression: a fixed `rate(…)`, or the config key that holds a `cron(…)`,
   * run in the config's scheduleTimezone.
   */
  readonly expression: { readonly rate: string } | { readonly cron: StringConfigKey };
}

type StringConfigKey = {
  [Key in keyof JanitorConfig]-?: JanitorConfig[Key] extends string ? Key : never;
}[keyof JanitorConfig];

export type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Scan';

/** The scope checks of the context step and the remover (lambdas/commons/iam/account-scope.ts). */
const SCOPE_CHECKS = [
  'organizations:DescribeOrganization',
  'organizations:DescribeAccount',
  'organizations:ListParents',
];

const DECLARED = {
  'check-setup': {
    description: 'Checks that both secrets are filled before a sweep opens any case',
    // Both, only to tell whether they are filled; it never logs a value.
    secrets: ['slack', 'jira'],
  },
  inventory: {
    description: 'Reads the IAM credential report and gives every user a verdict',
    timeoutSeconds: 300,
    memorySize: 1024,
    // The open cases; the sweep record and the one-run acknowledgement of the fraction guard (used
    // up on read); the candidates it stashes (in organization mode, the account's batch); the
    // cases of a user carrying a marker tag, to tell a decision recorded here from a tag alone.
    table: { actions: ['GetItem', 'PutItem', 'DeleteItem'], openCasesIndex: true, casesByUserIndex: true },
    inAccount: {
      grants: () => INVENTORY_GRANTS,
      memberRole: 'reader',
      // The inventory names each member account by its alias.
      inMemberAccountsOnly: ALIAS_GRANTS,
    },
  },
  'gather-context': {
    description: 'Opens a case and gathers CloudTrail and IAM evidence',
    timeoutSeconds: 300,
    // Account mode: one at a time, because CloudTrail allows 2 lookups/s per region for the whole
    // account and a single container's limiter can only pace the calls it sees. Organization mode:
    // the pacing is shared through the case table per account and region, so accounts gather in
    // parallel.
    reservedConcurrency: (config) =>
      config.deploymentMode === 'organization' ? config.accountConcurrency : 1,
    // Opens the case (two conditional writes); in organization mode it also claims CloudTrail
    // lookup turns in the table.
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    inAccount: { grants: () => CONTEXT_GRANTS, memberRole: 'reader' },
    organizations: SCOPE_CHECKS,
  },
  'open-ticket': {
    description: 'Opens the Jira ticket of a case, and comments on it the attempts that trip a quarantine',
    table: { actions: ['GetItem', 'UpdateItem'] },
    secrets: ['jira'],
  },
  'request-approval': {
    description: 'Asks the approvers in Slack and stores the task token of each wait',
    // It delivers a decision stored during its own earlier attempt.
    answersTaskTokens: true,
    // Every write returns the record it wrote (ReturnValues): nothing is read apart from them.
    table: { actions: ['UpdateItem'] },
    secrets: ['slack'],
  },
  'slack-interactions': {
    description: 'Verifies Slack button clicks and resumes the case',
    timeoutSeconds: 10,
    // Slack cannot sign requests with SigV4; the handler verifies Slack's own HMAC signature instead.
    functionUrl: {
      output: 'SlackInteractionsUrl',
      description: 'Paste into the Slack app: Interactivity & Shortcuts > Request URL',
    },
    answersTaskTokens: true,
    table: { actions: ['GetItem', 'UpdateItem'] },
    secrets: ['slack'],
  },
  act: {
    description: 'Re-checks, snapshots, then quarantines, deletes, disables or keeps an IAM user',
    timeoutSeconds: 300,
    table: { actions: ['GetItem', 'UpdateItem'] },
    // The only role that may change IAM, and never a protected user.
    inAccount: { grants: removerGrants, memberRole: 'remover' },
    organizations: SCOPE_CHECKS,
  },
  'record-outcome': {
    description: 'Records the outcome in Jira, Slack and the case table',
    // PutItem: a dry run's decision, remembered for the next dry-run sweep.
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
    secrets: ['slack', 'jira'],
  },
  remind: {
    description: 'Posts reminders for cases still waiting for a decision',
    timeoutSeconds: 120,
    schedule: {
      id: 'ReminderSchedule',
      description: 'Reminds approvers of cases still waiting for a decision',
      expression: { rate: 'rate(1 hour)' },
    },
    table: { actions: ['GetItem', 'UpdateItem'], openCasesIndex: true },
    secrets: ['slack'],
  },
  'watch-quarantine': {
    description: 'Checks quarantined users daily for attempts to use their credentials',
    timeoutSeconds: 300,
    schedule: {
      id: 'QuarantineWatchSchedule',
      description: 'Checks quarantined users for attempts to use their credentials',
      expression: { rate: 'rate(1 day)' },
    },
    // A tripped quarantine resumes its case's wait.
    answersTaskTokens: true,
    // The open cases; each quarantine's check or trip. In organization mode the CloudTrail pacing
    // is claimed in the table, as the context step does.
    table: { actions: ['GetItem', 'UpdateItem'], openCasesIndex: true },
    inAccount: { grants: () => WATCH_GRANTS, memberRole: 'reader' },
  },
  summary: {
    description: 'Posts the weekly summary of cases, backlog and stale credentials',
    timeoutSeconds: 120,
    schedule: {
      id: 'SummarySchedule',
      description: 'Posts the weekly iam-janitor summary in the approvers channel',
      expression: { cron: 'summarySchedule' },
    },
    // A weekly scan of the case table and the latest sweep record.
    table: { actions: ['Scan', 'GetItem'] },
    secrets: ['slack'],
  },
  'list-accounts': {
    description: 'Lists the member accounts the organization sweep inventories',
    organizationOnly: true,
    // ListAccounts answers 20 accounts a call: thousands of accounts take minutes at its rate.
    timeoutSeconds: 300,
    // The sweep's lease (read, then taken) and the listing's pages, no other item.
    table: {
      actions: ['GetItem', 'PutItem'],
      leadingKeys: {
        GetItem: ['sweep#organization#running'],
        PutItem: ['sweep#organization#running', 'accounts#*'],
      },
    },
    // Whether the sweep the lease names is over.
    describesOrganizationSweeps: true,
    organizations: [
      'organizations:DescribeOrganization',
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
    ],
  },
  'organization-guard': {
    description: 'Weighs the organization with the blast-radius guard and picks the batch of cases',
    organizationOnly: true,
    timeoutSeconds: 120,
    memorySize: 512,
    // Reads the listing's pages, the accounts' results, the stashed batches, the lease (is it still
    // this sweep's?), the acknowledgement and its own saved decision; writes the decision, the
    // sweep record and the batch's candidates; deletes the stashes and the acknowledgement it used.
    table: {
      actions: ['GetItem', 'BatchGetItem', 'PutItem', 'DeleteItem'],
      leadingKeys: {
        GetItem: [
          'accounts#*',
          'sweep#*#account#*',
          'sweep#*#guard',
          'sweep#organization#running',
          'guard#acknowledgement',
        ],
        BatchGetItem: ['sweep#*#result#*'],
        PutItem: ['sweep#*#guard', 'sweep#latest', 'candidate#*'],
        DeleteItem: ['sweep#*#account#*', 'guard#acknowledgement'],
      },
    },
  },
} satisfies Record<string, LambdaSpec>;

/** The Lambdas of iam-janitor, named after their folders under `lambdas/`. */
export type LambdaName = keyof typeof DECLARED;

export const LAMBDAS: Readonly<Record<LambdaName, LambdaSpec>> = DECLARED;

/** Every declared Lambda, in the order declared (the stack builds them in it). */
export const LAMBDA_NAMES = Object.keys(DECLARED) as LambdaName[];

/** The functions only an organization deployment has: listing the accounts, weighing them together. */
export type OrganizationLambdaName = {
  [Name in LambdaName]: (typeof DECLARED)[Name] extends { organizationOnly: true } ? Name : never;
}[LambdaName];

/** The Lambdas a deployment mode builds. */
export function lambdasOf(mode: 'account' | 'organization'): LambdaName[] {
  return LAMBDA_NAMES.filter((name) => mode === 'organization' || !LAMBDAS[name].organizationOnly);
}

/** The functions that assume a member role of this access, in organization mode. */
export function memberRoleUsers(access: MemberRoleAccess): LambdaName[] {
  return LAMBDA_NAMES.filter((name) => LAMBDAS[name].inAccount?.memberRole === access);
}

/** Each Lambda's code: `lambdas/<name>/handler.ts`, exporting `handler`. */
export function handlerEntry(name: LambdaName): string {
  return path.join(__dirname, '..', '..', 'lambdas', name, 'handler.ts');
}
