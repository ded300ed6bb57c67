import type { Command, OptionSpec } from './commands';

/** Help fits a terminal of this many columns. */
export const HELP_WIDTH = 100;

/** `text` in lines of at most `width` columns, each after `indent`; a word longer than a line stays whole. */
export function wrap(text: string, indent: string, width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, indent + line] : lines;
}

/** `--hours N`, as the usage line writes the flag. */
function flagName(name: string, option: Pick<OptionSpec, 'value'>): string {
  return `--${name}${option.value ? ` ${option.value}` : ''}`;
}

/** Every command's flags, and the two every command takes. */
function optionLines(command: Command, configOver: string): string[] {
  const options: [string, Pick<OptionSpec, 'help' | 'default' | 'required'>][] = [
    ...Object.entries(command.options).map(
      ([name, option]) => [flagName(name, option), option] as [string, OptionSpec],
    ),
    [
      '-c key=value',
      { help: `A config key over ${configOver}, as cdk synth -c; repeatable. An unknown key is refused.` },
    ],
    ['-h, --help', { help: 'Print this help.' }],
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return options.flatMap(([flag, option]) => {
    const text = `${option.help}${option.required ? ' Required.' : ''}${option.default ? ` Default: ${option.default}.` : ''}`;
    const [first, ...rest] = wrap(text, ' '.repeat(width + 4));
    return [`  ${flag.padEnd(width)}  ${first!.trimStart()}`, ...rest];
  });
}

/** `iam-janitor <command> --help`: the usage, what it does, and every option with its default. */
export function commandHelp(name: string, command: Command): string {
  return [
    ...wrap(`Usage: iam-janitor ${command.usage}`, ''),
    '',
    ...wrap(command.summary, ''),
    ...(command.details
      ? ['', ...command.details.split('\n').flatMap((line) => wrapKeepingIndent(line))]
      : []),
    ...(name === 'version' ? [] : ['', 'Options:', ...optionLines(command, configSource(name))]),
  ].join('\n');
}

/** What -c goes over: the scenario's config for simulate, cdk.json for every other command. */
function configSource(name: string): string {
  return name === 'simulate' ? "the scenario's config" : 'cdk.json';
}

function wrapKeepingIndent(line: string): string[] {
  const indent = /^\s*/.exec(line)![0];
  return line.trim() === '' ? [''] : wrap(line, indent);
}

/** `iam-janitor --help`: every command, its usage and summary, then what holds for all of them. */
export function helpText(commands: Readonly<Record<string, Command>>): string {
  return [
    "iam-janitor: find inactive IAM users and remove them safely, on an approver's decision.",
    '',
    'Usage: iam-janitor <command> [options]    (iam-janitor <command> --help explains its options)',
    '',
    'Commands:',
    ...Object.values(commands).flatMap((command) => [
      ...wrap(command.usage, '  '),
      ...wrap(command.summary, '      '),
    ]),
    '',
    ...wrap(
      "Config is read from cdk.json (the same keys the stack uses), then from -c key=value flags, as `cdk synth -c` reads them; simulate reads its scenario's config in place of cdk.json. A command's own flags override both. An unknown key is refused. iam-janitor --version prints the version.",
      '',
    ),
    '',
    ...wrap(
      'Every command but simulate uses the default credential chain and honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>; simulate talks only to its own stand-ins on this machine and needs no credentials.',
      '',
    ),
  ].join('\n');
}
