import { parseConfig, type JanitorConfig } from './config';

export class MissingSettingError extends Error {
  override name = 'MissingSettingError';
}

/** Reads one environment variable, and fails loudly at cold start rather than halfway through a case. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new MissingSettingError(
      `Environment variable ${name} is not set; the stack sets it on every function.`,
    );
  }
  return value;
}

let cachedConfig: JanitorConfig | undefined;

/** The validated config the stack passed in JANITOR_CONFIG, parsed once per container. */
export function janitorConfig(): JanitorConfig {
  cachedConfig ??= parseConfig(JSON.parse(requireEnv('JANITOR_CONFIG')), 'JANITOR_CONFIG');
  return cachedConfig;
}

/** Forgets the cached config; tests and the simulator run handlers under several configs in one process. */
export function resetConfigCache(): void {
  cachedConfig = undefined;
}
