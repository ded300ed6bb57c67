import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFromContext, parseConfig, type JanitorConfig } from '../../lambdas/commons/config/config';
import { UsageError } from './io';

/** cdk.json in the working directory, else the one shipped with iam-janitor. */
export function findCdkJson(cwd = process.cwd()): string {
  const local = path.join(cwd, 'cdk.json');
  return fs.existsSync(local) ? local : path.join(__dirname, '..', '..', 'cdk.json');
}

/** `-c key=value` flags given to the CLI, applied over cdk.json as `cdk synth -c` applies them. */
let commandLineContext: Record<string, unknown> = {};

/** Takes `-c key=value` flags as `cdk -c` does; their values are read as the stack reads them (configFromContext). */
export function useCommandLineContext(flags: readonly string[]): void {
  commandLineContext = Object.fromEntries(
    flags.map((flag) => {
      const at = flag.indexOf('=');
      if (at <= 0) throw new UsageError(`-c takes key=value, such as -c thresholdDays=60, not "${flag}"`);
      return [flag.slice(0, at), flag.slice(at + 1)];
    }),
  );
}

/** `config` with the -c flags over it, read as the stack reads them: simulate's scenario config, as cdk.json is. */
export function withCommandLineConfig(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, ...configFromContext(commandLineContext) };
}

/** Whether any -c flag was given: error messages then name them as a source of the config. */
export function hasCommandLineConfig(): boolean {
  return Object.keys(commandLineContext).length > 0;
}

/** The stack's name as `cdk deploy` gives it (bin/app.ts): the stackName context key, else IamJanitor. */
export function stackName(file = findCdkJson()): string {
  const fromFlags = commandLineContext.stackName;
  if (typeof fromFlags === 'string') return fromFlags;
  const context = (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> })
    .context;
  return typeof context?.stackName === 'string' ? context.stackName : 'IamJanitor';
}

/** Reads the config the way the stack does (cdk.json context and -c), with the command's own flags on top. */
export function loadConfig(overrides: Partial<JanitorConfig> = {}, file = findCdkJson()): JanitorConfig {
  let context: Record<string, unknown>;
  try {
    context =
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  // cdk.json also holds CDK's own feature flags; every other key is config, and a typo is refused.
  return parseConfig(
    { ...configFromContext({ ...context, ...commandLineContext }), ...overrides },
    `config (${file}${hasCommandLineConfig() ? ' and -c flags' : ''})`,
  );
}
