import { Duration } from 'aws-cdk-lib';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import {
  CONTEXT_GRANTS,
  INVENTORY_GRANTS,
  removerGrants,
  WATCH_GRANTS,
  type AccountGrant,
} from './account-grants';
import type { LambdaName } from './janitor-function';

/**
 * One entry per Lambda: what it is, how it is sized, and everything its role may do apart from
 * what ties it to the state machines (its Task states' ARNs and SendTaskSuccess on the case
 * machine, which the stack adds once the machines exist). The stack builds and grants from it;
 * `test/infrastructure/stack.test.ts` writes each role's actions out as literals from the code's own calls, so an
 * over-grant here fails there.
 *
 * Adding a Lambda: its folder `lambdas/<name>/handler.ts`, its name in LAMBDA_NAMES, an entry here,
 * and its Task state in the ASL with the registry entry in `workflow.ts`.
 */
export interface LambdaSpec {
  readonly description: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Reserved concurrency, from the config; unreserved when it gives nothing. */
  readonly reservedConcurrency?: (config: JanitorConfig) => number | undefined;
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
  /** Account mode: its IAM and CloudTrail calls, in this account. */
  readonly accountGrants?: (config: JanitorConfig) => readonly AccountGrant[];
  /** Organization mode: the member role it assumes for those calls instead. */
  readonly memberRole?: 'reader' | 'remover';
  /** Organization mode: its AWS Organizations reads. */
  readonly organizations?: readonly string[];
}

export type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Scan';

/** The scope checks of the context step and the remover (lambdas/commons/iam/account-scope.ts). */
const SCOPE_CHECKS = [
  'organizations:DescribeOrganization',
  'organizations:DescribeAccount',
  'organizations:ListParents',
];

export const LAMBDAS: Record<LambdaName, LambdaSpec> = {
  'check-setup': {
    description: 'Checks that both secrets are filled before a sweep opens any case',
    // Both, only to tell whether they are filled; it never logs a value.
    secrets: ['slack', 'jira'],
  },
  inventory: {
    description: 'Reads the IAM credential report and gives every user a verdict',
    timeout: Duration.minutes(5),
    memorySize: 1024,
    // The open cases; the sweep record and the one-run acknowledgement of the fraction guard (used
    // up on read); the candidates it stashes (in organization mode, the account's batch); the
    // cases of a user carrying a marker tag, to tell a decision recorded here from a tag alone.
    table: { actions: ['GetItem', 'PutItem', 'DeleteItem'], openCasesIndex: true, casesByUserIndex: true },
    accountGrants: () => INVENTORY_GRANTS,
    memberRole: 'reader',
  },
  'gather-context': {
    description: 'Opens a case and gathers CloudTrail and IAM evidence',
    timeout: Duration.minutes(5),
    // Account mode: one at a time, because CloudTrail allows 2 lookups/s per region for the whole
    // account and a single container's limiter can only pace the calls it sees. Organization mode:
    // the pacing is shared through the case table per account and region, so accounts gather in
    // parallel.
    reservedConcurrency: (config) =>
      config.deploymentMode === 'organization' ? config.accountConcurrency : 1,
    // Opens the case (two conditional writes); in organization mode it also claims CloudTrail
    // lookup turns in the table.
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    accountGrants: () => CONTEXT_GRANTS,
    memberRole: 'reader',
    organizations: SCOPE_CHECKS,
  },
  'open-ticket': {
    description: 'Opens the Jira ticket of a case, and comments on it the attempts that trip a quarantine',
    table: { actions: ['GetItem', 'UpdateItem'] },
    secrets: ['jira'],
  },
  'request-approval': {
    description: 'Asks the approvers in Slack and stores the task token of each wait',
    // Every write returns the record it wrote (ReturnValues): nothing is read apart from them.
    table: { actions: ['UpdateItem'] },
    secrets: ['slack'],
  },
  'slack-interactions': {
    description: 'Verifies Slack button clicks and resumes the case',
    timeout: Duration.seconds(10),
    table: { actions: ['GetItem', 'UpdateItem'] },
    secrets: ['slack'],
  },
  act: {
    description: 'Re-checks, snapshots, then quarantines, deletes, disables or keeps an IAM user',
    timeout: Duration.minutes(5),
    table: { actions: ['GetItem', 'UpdateItem'] },
    // The only role that may change IAM, and never a protected user.
    accountGrants: removerGrants,
    memberRole: 'remover',
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
    timeout: Duration.minutes(2),
    table: { actions: ['GetItem', 'UpdateItem'], openCasesIndex: true },
    secrets: ['slack'],
  },
  'watch-quarantine': {
    description: 'Checks quarantined users daily for attempts to use their credentials',
    timeout: Duration.minutes(5),
    // The open cases; each quarantine's check or trip. In organization mode the CloudTrail pacing
    // is claimed in the table, as the context step does.
    table: { actions: ['GetItem', 'UpdateItem'], openCasesIndex: true },
    accountGrants: () => WATCH_GRANTS,
    memberRole: 'reader',
  },
  summary: {
    description: 'Posts the weekly summary of cases, backlog and stale credentials',
    timeout: Duration.minutes(2),
    // A weekly scan of the case table and the latest sweep record.
    table: { actions: ['Scan', 'GetItem'] },
    secrets: ['slack'],
  },
  'list-accounts': {
    description: 'Lists the member accounts the organization sweep inventories',
    // ListAccounts answers 20 accounts a call: thousands of accounts take minutes at its rate.
    timeout: Duration.minutes(5),
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
    timeout: Duration.minutes(2),
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
};
