import { parseScenario, type Scenario } from './scenario';
import { DAY_MS } from '../../lambdas/commons/runtime/time';

export interface GenerateOptions {
  /** @default 5000, the IAM quota of users per account */
  readonly users?: number;
  /** Share of users idle for `idleDays`. @default 0.1 */
  readonly inactiveFraction?: number;
  /** How long the idle share's keys have gone unused. @default 100 */
  readonly idleDays?: number;
  /** @default '2026-11-22T09:00:00Z' */
  readonly now?: string;
}

/**
 * A scenario for a large account: every user has one access key, used a day ago, or `idleDays`
 * ago for the idle share. The benchmark runs on it, and `simulate --scenario` takes it as it is.
 */
export function generateScenario(options: GenerateOptions = {}): Scenario {
  const size = options.users ?? 5000;
  const idle = Math.round(size * (options.inactiveFraction ?? 0.1));
  const now = options.now ?? '2026-11-22T09:00:00Z';
  const at = (daysAgo: number) => new Date(Date.parse(now) - daysAgo * DAY_MS).toISOString();
  const idleDays = options.idleDays ?? 100;
  // Created before the idle keys' last use, however long ago that was.
  const created = at(Math.max(800, idleDays + 1));
  const users = Array.from({ length: size }, (_, index) => ({
    userName: `user-${String(index).padStart(5, '0')}`,
    createDate: created,
    accessKeys: [
      {
        id: `AKIA${String(index).padStart(16, '0')}`,
        createDate: created,
        lastUsedDate: at(index < idle ? idleDays : 1),
      },
    ],
  }));
  return parseScenario(
    { now, users, config: { maxCasesPerRun: 100, maxCandidateFraction: 1 } },
    'generated scenario',
  );
}
