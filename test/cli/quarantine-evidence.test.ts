import * as path from 'node:path';
import { formatTime } from '../../lambdas/commons/runtime/text';
import { auditRow } from '../../lib/audit/rows';
import { timeline } from '../../lib/cli/simulate';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { loadScenario } from '../../lib/sim/scenario';

// The quarantine evidence a responder acts on, as every surface prints it (the terminal with
// --verbose, its summary, the Jira ticket, the evidence page's row), checked against the record:
// one attempt per request tried (no two at the same time with the same credential, and the
// printed count is theirs), and no window that ended otherwise printed with its planned end.

const file = path.join(__dirname, '..', '..', 'examples', 'quarantine.json');
let detail: SimulationDetail;
let terminal: string;
beforeAll(async () => {
  const scenario = loadScenario(file);
  detail = await runScenario(scenario);
  terminal = timeline(file, scenario.now, 'the account', detail, undefined, true);
}, 240_000);

const quarantined = () => detail.cases.filter((entry) => entry.record?.quarantine?.appliedAt);

/** What a person reads of one case: its ticket, its evidence row, and its lines in the terminal. */
function surfaces(entry: SimulationDetail['cases'][number]): Record<string, string> {
  const name = entry.record!.userName;
  return {
    jira: (entry.issue?.comments ?? []).map((comment) => adfToText(comment)).join('\n'),
    'evidence row': auditRow(entry.record!).quarantine ?? '',
    'terminal summary': terminal
      .split('\n')
      .filter((line) => line.startsWith(`  ${name}: `))
      .join('\n'),
  };
}

describe('the quarantine evidence, on every surface', () => {
  it('lists one attempt per request: no two with the same credential at the same time', () => {
    const tried = quarantined().filter((entry) => entry.record!.quarantine!.attempts.length > 0);
    expect(tried.length).toBeGreaterThan(1);
    for (const entry of tried) {
      const attempts = entry.record!.quarantine!.attempts;
      const requests = new Set(attempts.map((attempt) => `${attempt.credential} ${attempt.at}`));
      expect(attempts).toHaveLength(requests.size);
      for (const [where, text] of Object.entries(surfaces(entry))) {
        const counts = [...text.matchAll(/(\d+) attempts? to use its credentials/g)].map((match) =>
          Number(match[1]),
        );
        expect({ where, counts: [...new Set(counts)] }).toEqual({ where, counts: [requests.size] });
      }
      const listed = surfaces(entry)
        .jira!.split('\n')
        .filter((line) => line.trim().startsWith('Attempt: '));
      expect(listed).toHaveLength(requests.size);
    }
  });

  it('never prints the planned end of a window that ended otherwise, nor of one still held after a trip', () => {
    const endedOtherwise = quarantined().filter(
      (entry) => entry.record!.quarantine!.trippedAt || entry.record!.quarantine!.releasedAt,
    );
    expect(endedOtherwise.length).toBeGreaterThan(1);
    for (const entry of endedOtherwise) {
      const planned = formatTime(entry.record!.quarantine!.endsAt);
      for (const [where, text] of Object.entries(surfaces(entry))) {
        const windows = text.split('\n').filter((line) => line.includes('Quarantine: denied everything'));
        expect(windows.length).toBeGreaterThan(0);
        for (const line of windows)
          expect({ where, planned: line.includes(planned) }).toEqual({ where, planned: false });
      }
    }
  });
});
