import * as fs from 'node:fs';
import * as path from 'node:path';
import { OUTCOMES } from '../../lambdas/commons/contracts/outcome';
import { AUDIT_COLUMNS } from '../../lib/audit/rows';
import { COMMANDS } from '../../lib/cli/commands';
import { runScenario } from '../../lib/sim/run-scenario';
import { oneUser } from '../helpers/quarantine';

/**
 * Where README and ARCHITECTURE list the outcomes, or the fields a command prints, the list is the
 * code's: read from OUTCOMES, AUDIT_COLUMNS and a real `simulate --json` result, so that a new
 * outcome or field fails here until every list names it.
 */

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ARCHITECTURE = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** The text from `start` to the next blank line (a paragraph) or to `end`. */
function section(text: string, start: string, end = '\n\n'): string {
  const from = text.indexOf(start);
  expect(from).toBeGreaterThanOrEqual(0);
  return text.slice(from, text.indexOf(end, from + start.length));
}

const unnamed = (names: readonly string[], text: string) =>
  names.filter((name) => !text.includes(`\`${name}\``) && !text.includes(`"${name}"`));

describe('every list of outcomes names every outcome', () => {
  it.each([
    ["README's Outcomes", () => section(README, '\nOutcomes: ')],
    ["ARCHITECTURE's Outcomes", () => section(ARCHITECTURE, '### Outcomes', '\n### ')],
  ])('%s', (_where, text) => {
    expect(unnamed(OUTCOMES, text())).toEqual([]);
  });
});

describe("README's cases paragraph", () => {
  it('names a field for every column of --json and --csv, and no option the command lacks', () => {
    const paragraph = section(README, '**`cases --table NAME').replace(/\s+/g, ' ');
    // Each column in the words the paragraph uses for it.
    const words: Record<(typeof AUDIT_COLUMNS)[number], string> = {
      caseId: 'its id',
      userName: "the user's name",
      userId: 'and id',
      accountId: 'account',
      kind: 'kind',
      credential: 'credential',
      openedAt: 'opened',
      reason: 'why',
      evidence: 'an evidence summary',
      trailEvents: 'the CloudTrail events the approver saw',
      decision: 'decision',
      decidedBy: 'decided by',
      decidedByName: 'the name Slack showed at the click',
      decidedAt: 'when',
      firstApprover: 'the first approver',
      firstApproverName: 'the first approver',
      decisionReason: "the approver's reason",
      status: 'status',
      outcome: 'outcome',
      outcomeDetail: 'outcome and its detail',
      closedAt: 'closed',
      changes: 'what changed',
      quarantine: 'the quarantine',
      snapshotSaved: 'snapshot present',
      jiraKey: 'Jira key',
      jiraUrl: 'and link',
      executionUrl: "the execution's console link",
    };
    expect(AUDIT_COLUMNS.filter((column) => !paragraph.includes(words[column]))).toEqual([]);
    for (const flag of paragraph.match(/--[a-z-]+/g) ?? [])
      expect(Object.keys(COMMANDS.cases!.options)).toContain(flag.slice(2));
  });
});

describe("ARCHITECTURE's simulate --json shape", () => {
  it('names every field a result carries: top level, case, quarantine, refusal and change', async () => {
    const detail = await runScenario(
      oneUser({ offboard: [{ userName: 'nobody', reason: 'left', by: 'U0123ABCDEF' }] }),
    );
    const report = JSON.parse(JSON.stringify(detail.report)) as Record<string, unknown> & {
      cases: Record<string, unknown>[];
      refusals: Record<string, unknown>[];
      accountChanges: Record<string, unknown>[];
    };
    const shape = section(ARCHITECTURE, 'checks what a person reads', '\n```\n\n');
    const keys = [
      ...Object.keys(report),
      ...Object.keys(report.cases[0]!),
      ...Object.keys(report.cases[0]!.quarantine as object),
      ...Object.keys(report.refusals[0]!),
      ...Object.keys(report.accountChanges[0]!),
    ];
    expect(report.refusals.length).toBeGreaterThan(0);
    expect([...new Set(keys)].filter((key) => !shape.includes(`"${key}"`))).toEqual([]);
  });
});
