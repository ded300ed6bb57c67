import * as v from 'valibot';
import { configObject, configSchema } from './schema';

/**
 * The one definition of iam-janitor's settings. The CDK stack validates cdk.json context with it at
 * synth, the Lambdas re-read it from their environment at cold start, and the CLI reads cdk.json
 * through it, so a setting means the same thing everywhere.
 */

export type JanitorConfig = v.InferOutput<typeof configSchema>;
export type JanitorConfigInput = v.InferInput<typeof configSchema>;

/** Every key the config accepts, in the schema's order (the README's config reference follows it). */
export const CONFIG_KEYS = Object.keys(configObject.entries) as (keyof JanitorConfig)[];

export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError';
}

/** Validates raw settings and names every bad key with its rule, so a typo fails synth at once. */
export function parseConfig(raw: unknown, source = 'config'): JanitorConfig {
  const result = v.safeParse(configSchema, raw);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => String(item.key));
    // A key the schema does not know (valibot reports it at its own path, expecting nothing there):
    // named as the user wrote it. A missing key is a strict_object issue too, expecting the key.
    if (issue.type === 'strict_object' && issue.expected === 'never' && path.length > 0) {
      const key = path.pop()!;
      return path.length === 0
        ? `  ${key}: ${unknownKeyMessage(key)}`
        : `  ${path.join('.')}: unknown key(s) ${key}`;
    }
    const message = issue.kind === 'schema' && issue.input === undefined ? 'is required' : issue.message;
    return `  ${path.length > 0 ? path.join('.') : '(root)'}: ${message}`;
  });
  throw new InvalidConfigError(`Invalid iam-janitor ${source}:\n${problems.join('\n')}`);
}

/** `unknown key dryrun: did you mean dryRun?` A typo must never fall back to a default silently. */
function unknownKeyMessage(key: string): string {
  const nearest = nearestKey(key);
  return nearest
    ? `unknown key; did you mean ${nearest}?`
    : `unknown key; the keys are: ${CONFIG_KEYS.join(', ')}`;
}

/** The config key closest to `key` (letter case ignored), if it is close enough to be a typo of it. */
export function nearestKey(key: string): string | undefined {
  return nearestName(key, CONFIG_KEYS);
}

/** The name of `known` closest to `key` (letter case ignored), if close enough to be a typo of it: config keys, commands, scenario fields. */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { key: name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

/** Levenshtein distance, by the classic two-row dynamic programme. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The CDK context keys that are iam-janitor's config: every key but CDK's own (feature flags such
 * as `@aws-cdk/...`, `aws:cdk:...` settings, lookups cached under `name:…` keys, and a few plain
 * ones), so that a misspelt key reaches the schema and is refused, rather than being dropped.
 */
export function configFromContext(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(context)
      .filter(([key]) => !key.startsWith('@') && !key.includes(':') && !CDK_CONTEXT_KEYS.has(key))
      .map(([key, value]) => [key, contextValue(value)]),
  );
}

/** `-c thresholdDays=30` passes the text "30"; cdk.json passes JSON values. Text is read as JSON where it parses. */
function contextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Plain context keys that belong to CDK or to the app itself, not to the config. */
const CDK_CONTEXT_KEYS = new Set(['stackName', 'acknowledged-issue-numbers', 'cli-telemetry']);

/**
 * The settings one account's cases run under: the config with that account's `accountOverrides`
 * (organization mode). Without an account, or without overrides for it, the config itself.
 */
export function configForAccount(config: JanitorConfig, accountId?: string): JanitorConfig {
  const overrides = accountId === undefined ? undefined : config.accountOverrides[accountId];
  return overrides ? { ...config, ...overrides } : config;
}
