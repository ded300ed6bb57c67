import { invocationCounts } from '../lib/sim/handlers';
import { runScenario } from '../lib/sim/run-scenario';
import { parseScenario } from '../lib/sim/scenario';

/** What one quarantined case costs, for a quarantine of this many days (0: the immediate deletion). */
export interface QuarantineFigure {
  readonly days: number;
  readonly outcome: string;
  /** The case execution's state transitions, as Step Functions bills them. */
  readonly transitions: number;
  /** Every Lambda invocation of the run (the sweep's two, the case's, the click's, the watcher's). */
  readonly invocations: number;
  /** Of those, the daily watcher's: one a day, shared by every quarantined case of the deployment. */
  readonly watcherRuns: number;
}

/** One idle user, approved for Delete, who stays silent through the quarantine: the common case. */
function scenario(days: number) {
  return parseScenario(
    {
      now: '2026-11-22T09:00:00Z',
      config: { quarantineDays: days, maxCandidateFraction: 1 },
      users: [
        {
          userName: 'idle',
          createDate: '2024-01-10T09:00:00Z',
          accessKeys: [
            {
              id: 'AKIAIDLE000000000001',
              createDate: '2024-01-10T09:00:00Z',
              lastUsedDate: '2026-06-01T09:00:00Z',
            },
          ],
        },
      ],
      decisions: { idle: { action: 'delete' } },
    },
    'bench quarantine',
  );
}

export async function benchQuarantine(log: (line: string) => void): Promise<QuarantineFigure[]> {
  const figures: QuarantineFigure[] = [];
  for (const days of [0, 14, 90]) {
    const before = invocationCounts();
    const detail = await runScenario(scenario(days));
    const after = invocationCounts();
    const count = (name?: string) =>
      Object.entries(after)
        .filter(([fn]) => name === undefined || fn === name)
        .reduce((sum, [fn, value]) => sum + value - (before[fn] ?? 0), 0);
    const [entry] = detail.cases;
    figures.push({
      days,
      outcome: entry?.record?.outcome ?? 'unrecorded',
      transitions: entry?.run.transitions ?? 0,
      invocations: count(),
      watcherRuns: count('watch-quarantine'),
    });
    log(`quarantine ${days} days: ${JSON.stringify(figures.at(-1))}`);
  }
  return figures;
}
