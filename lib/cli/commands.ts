import * as path from 'node:path';
import { runAcknowledgeGuard, ACKNOWLEDGE_HOURS } from './acknowledge-guard';
import { runCases } from './cases';
import { runDeleteUser } from './delete-user';
import { DOCTOR_CHECKS } from './doctor-checkup';
import { runDoctor } from './doctor';
import { runOffboard } from './offboard';
import { runReport } from './report';
import { runRelease } from './release';
import { runRestore } from './restore';
import { DEMO_SCENARIO, runSimulate } from './simulate';
import type { CommandIo } from './io';
import { packageVersion } from './version';

/** One flag of a command, as parseArgs reads it and as `<command> --help` explains it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder: `--hours N`. */
  readonly value?: string;
  readonly help: string;
  /** What the command does without the flag; every flag that takes a value says it, or that it is required. */
  readonly default?: string;
  readonly required?: true;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  /** More than the summary, for `<command> --help`. */
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly run: (
    args: { values: Record<string, unknown>; positionals: string[] },
    io: CommandIo,
  ) => Promise<number>;
}

/** A flag that takes no value. */
const flag = (help: string): OptionSpec => ({ type: 'boolean', help });

/** The mark of a flag the command cannot go without. */
const REQUIRED = { required: true } as const;

/**
 * A flag that takes a value: its placeholder, what it is, and what the command does without it,
 * or that it cannot go without it. Every such flag says one of the two.
 */
const valued = (value: string, help: string, without: string | typeof REQUIRED): OptionSpec => ({
  type: 'string',
  value,
  help,
  ...(typeof without === 'string' ? { default: without } : without),
});

/** The rows several commands share, each with the words a command may make its own. */
const table = (
  help = "The case table: the stack's CaseTableName output.",
  without = 'the CASE_TABLE_NAME environment variable',
) => valued('NAME', help, without);
const caseId = (
  help = 'The case id, as Slack, Jira and `cases` show it.',
  without: string | typeof REQUIRED = REQUIRED,
) => valued('ID', help, without);
const yes = flag('Confirm without asking: needed when the input is not a terminal.');
const by = (what: string, without = 'your login name') =>
  valued('NAME', `Who ${what}, as the case record and its messages name them.`, without);
const account = (what: string, without: string) =>
  valued('ID', `Organization mode: the 12-digit member account ${what}.`, without);
const json = flag('Print JSON instead of the table.');

export const COMMANDS: Readonly<Record<string, Command>> = {
  report: {
    usage: 'report [--threshold-days N] [--json] [--organization] [--table NAME]',
    summary:
      "Read-only verdict for every IAM user of the account in the default credential chain; with --organization, of every member account (through each one's reader role, from the management or delegated-admin credentials).",
    options: {
      'threshold-days': valued(
        'N',
        'Days without use that make a user idle.',
        'the thresholdDays config key (45 unless set)',
      ),
      json: flag('Print one JSON object per user instead of the table.'),
      organization: flag('Judge every member account of the organization.'),
      table: table(
        "The case table, read only, as the sweep reads it: open cases, the guard's acknowledgement, a dry run's decisions, the decisions behind marker tags.",
        'the CASE_TABLE_NAME environment variable; without either, no case is read',
      ),
    },
    run: (args, io) => runReport(args.values, io),
  },
  'delete-user': {
    usage: 'delete-user <name> [--dry-run] [--snapshot FILE] [--yes]',
    summary:
      'Plan, snapshot, then delete one IAM user with every dependency. Refuses protected and exempt users (exempt by name in any letter case, or by path).',
    options: {
      'dry-run': flag('Print the plan and change nothing.'),
      snapshot: valued('FILE', 'Where the snapshot is written before any change.', 'snapshots/<name>.json'),
      yes,
    },
    run: (args, io) => runDeleteUser(args.values, args.positionals, io),
  },
  restore: {
    usage: 'restore <snapshot.json> | --case ID --table NAME [--yes]',
    summary:
      'Show the plan, ask, then recreate a removed user from its snapshot file or case record (no credentials are recreated).',
    options: {
      case: caseId('Restore from the snapshot in this case record.', 'the snapshot file given'),
      table: table(),
      yes,
    },
    run: (args, io) => runRestore(args.positionals, io, args.values),
  },
  release: {
    usage: 'release --case ID --table NAME [--by NAME] [--slack-secret ID] [--jira-secret ID] [--yes]',
    summary:
      'Take a quarantined user out of quarantine (the deny-all policy and its tags), after a confirmation; an open case is released through its workflow.',
    options: {
      case: caseId(),
      table: table(),
      by: by('releases', 'the USER environment variable, else "cli"'),
      'slack-secret': valued(
        'ID',
        "The Slack secret (the stack's SlackSecretName output), read to update the trip message of a closed case.",
        'the SLACK_SECRET_ARN environment variable; without either, the message is not updated (exit 1)',
      ),
      'jira-secret': valued(
        'ID',
        "The Jira secret (the stack's JiraSecretName output), read to comment the release of a closed case on its ticket.",
        'the JIRA_SECRET_ARN environment variable; without either, the ticket is not told (exit 1)',
      ),
      yes,
    },
    run: (args, io) => runRelease(io, args.values),
  },
  'acknowledge-guard': {
    usage: 'acknowledge-guard --table NAME [--account ID] [--hours N] [--by NAME] [--yes]',
    summary:
      "Let the next sweep pass the fraction guard once, for as many candidates as the halted sweep found (organization mode: the organization's guard, or with --account that account's).",
    options: {
      table: table(),
      account: account('whose own guard halted', "the organization's guard"),
      hours: valued(
        'N',
        'How long the acknowledgement waits for a sweep, 1 to 720 hours.',
        String(ACKNOWLEDGE_HOURS),
      ),
      by: by('acknowledges'),
      yes,
    },
    run: (args, io) => runAcknowledgeGuard(args.values, io),
  },
  offboard: {
    usage: 'offboard <userName> [--account ID] [--reason TEXT] [--by NAME] --state-machine ARN',
    summary:
      'Start a case for a leaver now, active or not: the same approval, snapshot and removal. Refuses protected and exempt users.',
    options: {
      reason: valued(
        'TEXT',
        'Why, for the ticket and the request (at most 500 characters).',
        'no reason given',
      ),
      by: by('asks'),
      'state-machine': valued(
        'ARN',
        "The case state machine: the stack's CaseStateMachineArn output.",
        'the CASE_STATE_MACHINE_ARN environment variable',
      ),
      account: account(
        'the user lives in (required there)',
        'the one account of a single-account deployment',
      ),
    },
    run: (args, io) => runOffboard(args.values, args.positionals, io),
  },
  cases: {
    usage: 'cases --table NAME [--since YYYY-MM-DD] [--json | --csv | --html FILE]',
    summary: 'Read-only audit export of every case: who was judged and why, who decided, what changed.',
    options: {
      table: table(),
      since: valued('YYYY-MM-DD', 'Only the cases opened on or after this day.', 'every case'),
      json: flag('Print JSON.'),
      csv: flag('Print CSV (RFC 4180).'),
      html: valued('FILE', 'Write the evidence page to FILE.', 'the table, to the terminal'),
    },
    run: (args, io) => runCases(args.values, io),
  },
  doctor: {
    usage: 'doctor [--stack NAME] [--json]',
    summary:
      'Check a deployed installation, read-only: each item ✓ or ✗, and for ✗ what to do. Exits 1 if any check failed.',
    details: [
      'Checks, in order (a check whose inputs failed is shown as – not checked):',
      ...Object.values(DOCTOR_CHECKS).map((text) => `  ${text}`),
      '',
      'Needs cloudformation:DescribeStacks, secretsmanager:GetSecretValue on the two secrets,',
      'sns:ListSubscriptionsByTopic on the alarm topic and iam:SimulatePrincipalPolicy (organization',
      'mode: the management or delegated-admin credentials that `report --organization` uses, in',
      'place of the simulator).',
    ].join('\n'),
    options: {
      stack: valued(
        'NAME',
        'The CloudFormation stack to check, in AWS_REGION.',
        'the stackName config key, else IamJanitor',
      ),
      json,
    },
    run: (args, io) => runDoctor(args.values, io),
  },
  simulate: {
    usage: 'simulate [--scenario FILE] [--json] [--verbose] [--html FILE]',
    summary:
      'Run the real state machines offline against an emulated account, Slack and Jira: a line per case, the request an approver sees, the faults injected and what was refused.',
    options: {
      scenario: valued(
        'FILE',
        'The scenario to run (its format: ARCHITECTURE.md, "Simulation scenario").',
        path.relative(path.join(__dirname, '..', '..'), DEMO_SCENARIO),
      ),
      json: flag('Print the machine-readable result instead of the text.'),
      verbose: flag('Add every ticket, request and thread, and list every user.'),
      html: valued(
        'FILE',
        "Also write the evidence page of the simulation's case table, as cases --html does.",
        'no page',
      ),
    },
    run: (args, io) => runSimulate(args.values, io),
  },
  version: {
    usage: 'version',
    summary: 'Print the version of iam-janitor, as --version does.',
    options: {},
    run: (_args, io) => {
      io.stdout(packageVersion());
      return Promise.resolve(0);
    },
  },
};
