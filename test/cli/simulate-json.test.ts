import * as fs from 'node:fs';
import * as path from 'node:path';
import { accountsSimulated, simulationJson, timeline } from '../../lib/cli/simulate';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationReport } from '../../lib/sim/scenario-report';
import { loadScenario } from '../../lib/sim/scenario';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const examples = fs
  .readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** One section of the timeline: the lines under its rule, up to the next rule. */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`── ${title}`));
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && line.startsWith('── '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Each user's block of "What changed in the account": its header line and its listed changes. */
function changeBlocks(lines: readonly string[]) {
  const blocks: { header: string; changes: string[] }[] = [];
  // The users' blocks end where the untouched users are named.
  const end = lines.findIndex((line) => line.startsWith('  unchanged: '));
  for (const line of lines.slice(0, end)) {
    if (/^ {4}- /.test(line)) blocks.at(-1)!.changes.push(line.slice(6));
    else if (/^ {2}\S/.test(line) && !line.startsWith('  nothing: '))
      blocks.push({ header: line.trim(), changes: [] });
  }
  return blocks;
}

/** Whether `part` appears in `whole` in the same order, gaps allowed. */
function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let at = 0;
  for (const item of whole) if (item === part[at]) at++;
  return at === part.length;
}

describe('simulate --json carries what the text shows', () => {
  // One run per example: the text and the JSON are both printed from it, as the CLI prints either.
  it.each(examples)(
    '%s',
    async (name) => {
      const file = path.join(EXAMPLES, name);
      const scenario = loadScenario(file);
      const detail = await runScenario(scenario);
      const text = timeline(file, scenario.now, accountsSimulated(scenario), detail);
      const json = JSON.parse(simulationJson(detail)) as SimulationReport;

      // Every refusal the text lists is in `refusals`, in order, and the count agrees; one that
      // belongs to a case names the case's user in the text and a case the JSON lists.
      const incidents = section(text, 'Faults injected and refusals');
      const refused = incidents.filter((line) => line.startsWith('  ⛔ ')).map((line) => line.slice(4));
      expect(refused).toEqual(json.refusals.map((refusal) => refusal.text));
      expect(incidents.includes('  nothing was refused')).toBe(json.refusals.length === 0);
      const caseIds = new Set(json.cases.map((entry) => entry.caseId));
      for (const refusal of json.refusals.filter((entry) => entry.caseId !== null)) {
        expect(caseIds).toContain(refusal.caseId);
        expect(refusal.text).toContain(refusal.userName!);
      }
      // A remover's refusal is of a case someone decided, and that ended with its user unchanged.
      for (const refusal of json.refusals.filter((entry) => entry.by === 'remover')) {
        const refusedCase = json.cases.find((entry) => entry.caseId === refusal.caseId)!;
        expect(refusedCase.decision).not.toBeNull();
        expect(['deleted', 'disabled', 'deactivated', 'released']).not.toContain(refusedCase.outcome);
      }

      // Every fault the text names is in `faults`, with the number of calls it hit.
      const injected = incidents.filter((line) => line.startsWith('  ⚡ ')).map((line) => line.slice(4));
      expect(injected).toHaveLength(json.faults.length);
      json.faults.forEach((fault, index) => {
        expect(injected[index]).toMatch(new RegExp(`\\b${fault.hit}\\b`));
        if (fault.calls !== undefined) expect(injected[index]).toMatch(new RegExp(`\\b${fault.calls}\\b`));
      });

      // Every change line is in `accountChanges`, for the same user, in the same order; the JSON
      // holds no change the text leaves out, but the deletion its header says.
      // "in the account", or "in the member accounts" of an organization.
      const blocks = changeBlocks(section(text, 'What changed in the'));
      expect(blocks.map((block) => block.header.split(':')[0])).toEqual(
        json.accountChanges.map((entry) => entry.userName),
      );
      json.accountChanges.forEach(({ changes }, index) => {
        const block = blocks[index]!;
        expect(isSubsequence(block.changes, changes)).toBe(true);
        const unlisted = changes.filter((change) => !block.changes.includes(change));
        for (const change of unlisted) {
          expect(change).toBe('user deleted');
          expect(block.header).toMatch(/\bdeleted\b/);
        }
        const counted = /: (\d+) changes?$/.exec(block.header);
        if (counted) expect(Number(counted[1])).toBe(changes.length);
      });

      // One summary row per case, with its decision (none in the text, null in the JSON), its
      // outcome and every outcome detail printed beneath; a decision has its moment.
      const summary = section(text, 'Summary');
      const rows = summary.slice(1, 1 + json.cases.length);
      expect(json.cases.length === 0).toBe(summary.includes('  no case was opened'));
      json.cases.forEach((entry, index) => {
        const cells = rows[index]!.trim().split(/\s{2,}/);
        expect(cells).toContain(entry.userName);
        expect(cells).toContain(entry.decision ?? 'none');
        expect(cells).toContain(entry.outcome);
        expect(entry.decidedAt === null).toBe(entry.decision === null);
        if (entry.outcomeDetail) expect(summary.join('\n')).toContain(entry.outcomeDetail);
      });

      // Every case of the summary is counted in the sweep's rule, by what started it.
      const title = text.split('\n').find((line) => line.startsWith('── Sweep'))!;
      const counted = [...title.matchAll(/(\d+) cases? (?:opened|started)/g)].map(([, amount]) =>
        Number(amount),
      );
      expect(counted.reduce((sum, amount) => sum + amount, 0)).toBe(json.cases.length);
      for (const origin of ['offboard', 'laterSweep'] as const)
        if (json.cases.some((entry) => entry.startedBy === origin))
          expect(title).toMatch(
            origin === 'offboard' ? /offboarding: \d+ cases? started/ : /later sweeps?: /,
          );

      // Every warning of the sweep is printed, with its user for an ignored tag.
      const warned = section(text, 'Sweep').filter((line) => line.startsWith('  ⚠ '));
      expect(warned).toHaveLength(
        json.warnings.root.length +
          json.warnings.ignoredTags.length +
          (json.sweep.accounts?.failed.length ?? 0),
      );
      for (const warning of json.warnings.root) expect(warned).toContain(`  ⚠ ${warning}`);
      for (const { userName, warning } of json.warnings.ignoredTags)
        expect(warned.some((line) => line.includes(userName) && line.includes(warning))).toBe(true);
    },
    300_000,
  );
});
