import * as path from 'node:path';
import { timeline } from '../../lib/cli/simulate';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { loadScenario } from '../../lib/sim/scenario';

// "Faults injected and refusals" lists every refusal of the run, each with its case: a click
// Slack refused, a decision the remover refused (nothing decided was done: the guard's refusal,
// the user active or changed), an offboarding refused. The property, counted from the records:
// as many refusal lines as refusals, each naming the case it refused, and never "nothing was
// refused" above a refusal.

const examples = ['safety', 'credentials'];
const runs = new Map<string, { detail: SimulationDetail; text: string }>();
beforeAll(async () => {
  for (const name of examples) {
    const file = path.join(__dirname, '..', '..', 'examples', `${name}.json`);
    const scenario = loadScenario(file);
    const detail = await runScenario(scenario);
    runs.set(name, { detail, text: timeline(file, scenario.now, 'the account', detail) });
  }
}, 240_000);

/** Outcomes in which a decision was made and nothing of it was done, because the remover refused. */
const NOT_CARRIED_OUT = new Set(['refused', 'aborted-active', 'aborted-changed']);

function refusalsInRecords(detail: SimulationDetail) {
  const decided = detail.cases.filter(
    ({ record }) =>
      record?.outcome &&
      NOT_CARRIED_OUT.has(record.outcome) &&
      (record.decision || record.quarantine?.decision),
  );
  const clicks = detail.cases[0]?.ephemeral ?? [];
  return { decided, clicks, offboard: detail.report.offboardRefused ?? [] };
}

describe('every refusal is counted, each with its case', () => {
  it.each(examples)('%s: one refusal line per refusal in the records', (name) => {
    const { detail, text } = runs.get(name)!;
    const lines = text.split('\n').filter((line) => line.startsWith('  ⛔ '));
    const denied = lines.filter((line) => line.startsWith('  ⛔ AWS denied'));
    const { decided, clicks, offboard } = refusalsInRecords(detail);
    const expected = decided.length + clicks.length + offboard.length + denied.length;
    expect(expected).toBeGreaterThan(0);
    expect(lines).toHaveLength(expected);
    expect(text).not.toContain('nothing was refused');
    // Each decision refused, and each refused click, names its case.
    const caseIds = new Set(detail.cases.map(({ run }) => run.caseId));
    // An offboarding refused opens no case, and AWS's denials name their target instead.
    const ofCases = lines.filter((line) => !denied.includes(line) && !line.startsWith('  ⛔ offboard '));
    for (const line of ofCases) {
      const named = [...caseIds].filter((caseId) => line.includes(caseId));
      expect({ line, cases: named.length }).toEqual({ line, cases: 1 });
    }
    for (const { run } of decided) expect(lines.some((line) => line.includes(run.caseId))).toBe(true);
  });
});
