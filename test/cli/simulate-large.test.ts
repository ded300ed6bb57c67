import { accountsSimulated, timeline } from '../../lib/cli/simulate';
import { generateScenario } from '../../lib/sim/generate';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { parseScenario, type Scenario } from '../../lib/sim/scenario';

/** The listed rows of the sweep: the user names under the USER header, up to the first blank line. */
function listedUsers(text: string): string[] {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => /^ {2}USER\s+VERDICT/.test(line));
  const rows: string[] = [];
  for (const line of lines.slice(header + 1)) {
    if (!/^ {2}\S/.test(line) || line.startsWith('  ⚠')) break;
    rows.push(line.trim().split(/\s+/)[0]!);
  }
  return rows;
}

describe('a large account, as the timeline lists it', () => {
  // 60 users, 30 of them idle for exactly 100 days: every idle user ties; the sweep opens 5 cases.
  let detail: SimulationDetail;
  let scenario: Scenario;
  let text = '';
  beforeAll(async () => {
    const generated = generateScenario({ users: 60, inactiveFraction: 0.5 });
    scenario = parseScenario(
      { ...generated, config: { ...generated.config, maxCasesPerRun: 5 } },
      'large account',
    );
    detail = await runScenario(scenario);
    text = timeline('large.json', scenario.now, accountsSimulated(scenario), detail);
  }, 240_000);

  it('lists first the users that got a case, in the order the sweep opened them, and says so', () => {
    const withCase = detail.report.cases.map((entry) => entry.userName);
    expect(withCase).toHaveLength(5);
    const listed = listedUsers(text);
    expect(listed).toHaveLength(20);
    expect(text).toContain(
      `the 5 users the sweep opened a case for, in the sweep's order (longest idle first, ties by user id)`,
    );
    expect(listed.slice(0, 5)).toEqual(detail.report.sweep.candidates);
    expect(listed.slice(5).filter((userName) => withCase.includes(userName))).toEqual([]);
  });

  it('breaks every tie by the rule it states: user id for the cases, name for the rest', () => {
    // Every idle user is idle for the same 100 days: the order is the tie-break alone.
    const ids = detail.cases.map(({ record }) => record!.userId);
    expect(ids).toEqual([...ids].sort());
    expect(detail.report.sweep.candidates).toEqual(detail.cases.map(({ run }) => run.userName));
    const rest = listedUsers(text).slice(5);
    expect(rest).toEqual([...rest].sort());
    expect(text).toContain(
      'then the 15 longest idle of the other users that are not simply active (ties by name)',
    );
  });
});
