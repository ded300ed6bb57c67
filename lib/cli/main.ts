import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearestName } from '../../lambdas/commons/config/config';
import { clientSettings, configureClients } from '../../lambdas/commons/runtime/client-settings';
import { COMMANDS, type Command } from './commands';
import { useCommandLineContext } from './config-file';
import { commandHelp, helpText } from './help';
import { terminalProgress, type CommandIo } from './io';
import { styleFor } from './style';
import { packageVersion } from './version';

/** Whatever a command writes to stderr is an error or a warning: each one starts with the command's name. */
function prefixedIo(io: CommandIo, prefix: string): CommandIo {
  return { ...io, stderr: (text) => io.stderr(`${prefix}${text}`) };
}

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText(COMMANDS));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(packageVersion());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const nearest = nearestName(name, Object.keys(COMMANDS));
    io.stderr(
      `iam-janitor: unknown command "${name}"${nearest ? `; did you mean ${nearest}?` : '.'} iam-janitor --help lists the commands.`,
    );
    return 2;
  }
  return runCommand(name, command, rest, prefixedIo(io, `iam-janitor ${name}: `));
}

/** A usage error exits 2 with the usage line; any other error exits 1; neither prints a stack. */
async function runCommand(name: string, command: Command, args: string[], io: CommandIo): Promise<number> {
  const usage = `Usage: iam-janitor ${command.usage}\niam-janitor ${name} --help explains every option.`;
  try {
    const parsed = parseArgs({
      args,
      options: {
        ...parseOptions(command),
        help: { type: 'boolean', short: 'h' },
        // As `cdk synth -c key=value`: the CLI reads the same config as the stack.
        context: { type: 'string', short: 'c', multiple: true },
      },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      io.stdout(commandHelp(name, command));
      return 0;
    }
    useCommandLineContext((parsed.values.context as string[] | undefined) ?? []);
    // At a terminal, an address that refuses or does not resolve is explained at once (explainAwsError).
    configureClients({ ...clientSettings(), unreachableAttempts: 2 });
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    const kind = errorKind(error);
    io.stderr(kind === 'usage' ? `${usageProblem(error, command)}\n${usage}` : messageOf(error));
    return kind === 'other' ? 1 : 2;
  }
}

/** parseArgs' own errors and UsageError are about the command line; a bad config value is about its input. */
function errorKind(error: unknown): 'usage' | 'config' | 'other' {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name === 'UsageError' || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')))
    return 'usage';
  return name === 'InvalidConfigError' ? 'config' : 'other';
}

/** An error's message, whichever realm made it (parseArgs' errors are Node's own TypeErrors). */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** parseArgs says "Unknown option '--tabel'. To specify a positional argument…": the flag, and the one it is a typo of. */
function usageProblem(error: unknown, command: Command): string {
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(messageOf(error));
  if (!unknown) return messageOf(error);
  const nearest = nearestName(unknown[2]!, [...Object.keys(command.options), 'help']);
  return `unknown option ${unknown[1]}${unknown[2]}${nearest ? `; did you mean --${nearest}?` : ''}`;
}

function parseOptions(command: Command): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(command.options).map(([flag, option]) => [flag, { type: option.type }]),
  );
}

const defaultIo: CommandIo = {
  style: styleFor(process.stdout),
  progress: terminalProgress(process.stderr),
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
