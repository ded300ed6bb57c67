import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_KEYS, parseConfig, type JanitorConfig } from '../../lambdas/commons/config';

/** cdk.json in the working directory, else the one shipped with iam-janitor. */
export function findCdkJson(cwd = process.cwd()): string {
  const local = path.join(cwd, 'cdk.json');
  return fs.existsSync(local) ? local : path.join(__dirname, '..', '..', 'cdk.json');
}

/** Reads the config the way the stack does (cdk.json context), with command-line overrides on top. */
export function loadConfig(overrides: Partial<JanitorConfig> = {}, file = findCdkJson()): JanitorConfig {
  let context: Record<string, unknown>;
  try {
    context =
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  // cdk.json also holds CDK's own feature flags; only iam-janitor's keys are config.
  const settings = Object.fromEntries(
    Object.entries(context).filter(([key]) => (CONFIG_KEYS as string[]).includes(key)),
  );
  return parseConfig({ ...settings, ...overrides }, `config (${file})`);
}
