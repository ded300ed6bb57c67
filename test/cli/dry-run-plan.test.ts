import * as path from 'node:path';
import { auditRow } from '../../lib/audit/rows';
import { timeline } from '../../lib/cli/simulate';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { loadScenario } from '../../lib/sim/scenario';

// A dry run's outcome is only useful with what a real run would have done: wherever the outcome is
// shown (the terminal's default output, the Slack thread, the Jira ticket, the evidence page's
// row), every planned step of every dry-run case is named, not only "nothing changed".

const file = path.join(__dirname, '..', '..', 'examples', 'dry-run.json');
let detail: SimulationDetail;
beforeAll(async () => {
  detail = await runScenario(loadScenario(file));
});

/** Each surface of a case, as a person reads it. */
function surfaces(entry: SimulationDetail['cases'][number]): Record<string, string> {
  return {
    'the Slack thread': entry.thread.map((post) => post.text).join('\n'),
    'the Jira ticket': (entry.issue?.comments ?? []).map((comment) => adfToText(comment)).join('\n'),
    "the evidence page's row": JSON.stringify(auditRow(entry.record!)),
  };
}

describe('a dry run says what a real run would have done, wherever its outcome is shown', () => {
  it('names every planned step of every dry-run case on every surface', () => {
    const dryRuns = detail.cases.filter((entry) => entry.record?.outcome === 'dry-run');
    expect(dryRuns.length).toBeGreaterThan(0);
    const terminal = timeline(file, '2026-11-22T09:00:00Z', 'account 123456789012', detail);
    for (const entry of dryRuns) {
      const planned = entry.record!.planned ?? [];
      expect(planned.length).toBeGreaterThan(0);
      for (const [where, text] of Object.entries({ 'the terminal': terminal, ...surfaces(entry) }))
        for (const step of planned)
          expect({ where, names: text.includes(step) }).toEqual({ where, names: true });
    }
  });
});
