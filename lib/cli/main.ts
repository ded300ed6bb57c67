import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clientSettings, configureClients } from '../../lambdas/commons/runtime/clients';
import { errorMessage } from '../../lambdas/commons/runtime/errors';
import { runAcknowledgeGuard } from './acknowledge-guard';
import { useCommandLineContext } from './config-file';
import { runCases } from './cases';
import { runDeleteUser } from './delete-user';
import { DOCTOR_CHECKS, runDoctor } from './doctor';
import { runOffboard } from './offboard';
import { runReport } from './report';
import { runRelease } from './release';
import { runRestore } from './restore';
import { runSimulate } from './simulate';
import { terminalProgress, type CommandIo } from './io';
import { styleFor } from './style';
import { packageVersion } from './version';

export type { CommandIo } from './io';

interface Command {
  readonly usage: string;
  readonly summary: string;
  /** More than the summary, for `<command> --help`. */
  readonly details?: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly run: (
    args: { values: Record<string, unknown>; positionals: string[] },
    io: CommandIo,
  ) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  report: {
    usage: 'report [--threshold-days N] [--json] [--organization] [--table NAME]',
    summary:
      "Read-only verdict for every IAM user of the account in the default credential chain; with --organization, of every member account (through each one's reader role, from the management or delegated-admin credentials).",
    options: {
      'threshold-days': { type: 'string' },
      json: { type: 'boolean' },
      organization: { type: 'boolean' },
      table: { type: 'string' },
    },
    run: (args, io) => runReport(args.values, io),
  },
  'delete-user': {
    usage: 'delete-user <name> [--dry-run] [--snapshot FILE] [--yes]',
    summary: 'Plan, snapshot, then delete one IAM user with every dependency. Refuses protected users.',
    options: { 'dry-run': { type: 'boolean' }, snapshot: { type: 'string' }, yes: { type: 'boolean' } },
    run: (args, io) => runDeleteUser(args.values, args.positionals, io),
  },
  restore: {
    usage: 'restore <snapshot.json> | --case ID --table NAME [--yes]',
    summary:
      'Show the plan, ask, then recreate a removed user from its snapshot file or case record (no credentials are recreated).',
    options: { case: { type: 'string' }, table: { type: 'string' }, yes: { type: 'boolean' } },
    run: (args, io) => runRestore(args.positionals, io, args.values),
  },
  release: {
    usage: 'release --case ID --table NAME [--by NAME] [--yes]',
    summary:
      'Take a quarantined user out of quarantine (the deny-all policy and its tags), after a confirmation; an open case is released through its workflow.',
    options: {
      case: { type: 'string' },
      table: { type: 'string' },
      by: { type: 'string' },
      yes: { type: 'boolean' },
    },
    run: (args, io) => runRelease(io, args.values),
  },
  'acknowledge-guard': {
    usage: 'acknowledge-guard --table NAME [--account ID] [--hours N] [--by NAME] [--yes]',
    summary:
      "Let the next sweep pass the fraction guard once, for as many candidates as the halted sweep found (organization mode: the organization's guard, or with --account that account's).",
    options: {
      table: { type: 'string' },
      account: { type: 'string' },
      hours: { type: 'string' },
      by: { type: 'string' },
      yes: { type: 'boolean' },
    },
    run: (args, io) => runAcknowledgeGuard(args.values, io),
  },
  offboard: {
    usage: 'offboard <userName> [--account ID] [--reason TEXT] [--by NAME] --state-machine ARN',
    summary:
      'Start a case for a leaver now, active or not: the same approval, snapshot and removal. Refuses protected users.',
    options: {
      reason: { type: 'string' },
      by: { type: 'string' },
      'state-machine': { type: 'string' },
      account: { type: 'string' },
    },
    run: (args, io) => runOffboard(args.values, args.positionals, io),
  },
  cases: {
    usage: 'cases --table NAME [--since YYYY-MM-DD] [--json | --csv | --html FILE]',
    summary: 'Read-only audit export of every case: who was judged and why, who decided, what changed.',
    options: {
      table: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      html: { type: 'string' },
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
      'The stack is --stack, else the stackName config key, else IamJanitor, in AWS_REGION.',
      'Needs cloudformation:DescribeStacks, secretsmanager:GetSecretValue on the two secrets,',
      'sns:ListSubscriptionsByTopic on the alarm topic and iam:SimulatePrincipalPolicy (organization',
      'mode: the management or delegated-admin credentials that `report --organization` uses, in',
      'place of the simulator).',
    ].join('\n'),
    options: { stack: { type: 'string' }, json: { type: 'boolean' } },
    run: (args, io) => runDoctor(args.values, io),
  },
  simulate: {
    usage: 'simulate [--scenario FILE] [--json] [--verbose] [--html FILE]',
    summary:
      'Run the real state machines offline against an emulated account, Slack and Jira: a line per case, the request an approver sees, the faults injected and what was refused; --verbose adds every ticket, request and thread; --html FILE writes the evidence page of its case table, as cases --html does.',
    options: {
      scenario: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      html: { type: 'string' },
    },
    run: (args, io) => runSimulate(args.values, io),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.values(COMMANDS).map((command) => command.usage.length));
  return [
    "iam-janitor: find inactive IAM users and remove them safely, on an approver's decision.",
    '',
    'Usage: iam-janitor <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Config is read from cdk.json (the same keys the stack uses), then from -c key=value flags, as',
    "`cdk synth -c` reads them; a command's own flags override both. An unknown key is refused.",
    'iam-janitor --version prints the version.',
    'Every command but simulate uses the default credential chain and honours AWS_ENDPOINT_URL and',
    'AWS_ENDPOINT_URL_<SERVICE>; simulate talks only to its own stand-ins on this machine and needs no credentials.',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(packageVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`Unknown command "${name}".\n\n${helpText()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...command.options,
        help: { type: 'boolean', short: 'h' },
        // As `cdk synth -c key=value`: the CLI reads the same config as the stack.
        context: { type: 'string', short: 'c', multiple: true },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr(`${errorMessage(error)}\nUsage: iam-janitor ${command.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(
      `Usage: iam-janitor ${command.usage}\n\n${command.summary}${command.details ? `\n\n${command.details}` : ''}`,
    );
    return 0;
  }
  try {
    useCommandLineContext((parsed.values.context as string[] | undefined) ?? []);
    // At a terminal, an address that refuses or does not resolve is explained at once (explainAwsError).
    configureClients({ ...clientSettings(), unreachableAttempts: 2 });
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    io.stderr(`iam-janitor ${name}: ${errorMessage(error)}`);
    return 1;
  }
}

const defaultIo: CommandIo = {
  style: styleFor(process.stdout),
  progress: terminalProgress(process.stderr),
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
