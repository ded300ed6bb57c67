import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { CaseHistory } from '../../lambdas/commons/case/history';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { main } from '../../lib/cli/main';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** The text a reader sees of some HTML: tags out, entities read. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Every noun the page counts, singular: "1 case", "2 cases". */
const COUNTED = ['case', 'user', 'event', 'day', 'sign-in', 'attempt', 'request', 'call', 'credential'];

/** The demo's evidence page (simulate --html) and the case records it was written from. */
async function demoPage(): Promise<{ html: string; records: CaseRecord[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-')), 'cases.html');
  let records: CaseRecord[] = [];
  await runScenario(loadScenario(path.join(EXAMPLES, 'demo-account.json')), {
    afterRun: async () => {
      records = await new CaseHistory(documentClient(), CASE_TABLE).listCases();
      const code = await main(['cases', '--table', CASE_TABLE, '--html', file], {
        stdout: () => undefined,
        stderr: () => undefined,
      });
      expect(code).toBe(0);
    },
  });
  return { html: fs.readFileSync(file, 'utf8'), records };
}

describe('the evidence page of a simulation, as an auditor reads it', () => {
  let html = '';
  let records: CaseRecord[] = [];
  let rows: string[] = [];
  beforeAll(async () => {
    ({ html, records } = await demoPage());
    rows = [...html.matchAll(/<tr><td>[\s\S]*?<\/tr>/g)].map((match) => match[0]);
  }, 180_000);

  it('shows no simulator artefact: every case id is one a sweep writes, every reason a verdict', () => {
    expect(visible(html)).not.toMatch(/simulated|earlier\b|-earlier/i);
    expect(rows).toHaveLength(records.length);
    for (const record of records) {
      // A sweep's case id: the subject (the account first in organization mode), then the run's day.
      expect(record.caseId).toBe(`${record.candidate.subjectId}-${record.openedAt.slice(0, 10)}`);
      expect(record.candidate.reason).toMatch(/last used|created|no password/);
    }
  });

  it('words every count for its number, and never states a time to decision of zero', () => {
    const text = visible(html);
    for (const noun of COUNTED) {
      // A count (not an id), at most one word between ("2 CloudTrail events", "293 idle days"), the noun.
      const counted = new RegExp(`\\b(\\d{1,7}) ((?:[A-Za-z]+ )?)(${noun}s?)\\b`, 'g');
      for (const [, amount, between, word] of text.matchAll(counted))
        expect(`${amount} ${between}${word}`).toBe(
          `${amount} ${between}${Number(amount) === 1 ? noun : `${noun}s`}`,
        );
    }
    const tiles = [...html.matchAll(/<div class="tile"><b>([^<]*)<\/b>([^<]*)<\/div>/g)];
    for (const [, value, label] of tiles)
      if (/^\d+$/.test(value!) && /^(case|user)/.test(label!))
        expect(label!.split(' ')[0]!.endsWith('s')).toBe(value !== '1');
    expect(text).not.toMatch(/\b0(\.0+)? ?h\b/);
  });

  it('lists the cases in the order they were opened, then by user, and says so', () => {
    const order = records
      .map((record) => [record.openedAt, record.userName, record.caseId] as const)
      .sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
    expect(rows.map((row) => /<td>([^<]+)/.exec(row)![1])).toEqual(order.map(([, , caseId]) => caseId));
    expect(visible(html)).toMatch(/in the order they were opened/);
  });

  it("links every case to its execution, at the console's address for the case's own ARN", () => {
    for (const record of records) {
      const row = rows.find((candidate) => candidate.startsWith(`<tr><td>${record.caseId}<`))!;
      const region = record.executionArn.split(':')[3];
      expect(row).toContain(
        `<a href="https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${record.executionArn}">execution</a>`,
      );
    }
  });

  it('names each CloudTrail event the approver saw: what, when, from which service and region', () => {
    const withEvents = records.filter((record) => record.context?.cloudTrail.recentEvents.length);
    // Bob's two failed sign-ins are the demo's most telling fact.
    expect(withEvents.map((record) => record.userName)).toContain('bob');
    for (const record of withEvents) {
      const row = visible(rows.find((candidate) => candidate.startsWith(`<tr><td>${record.caseId}<`))!);
      for (const event of record.context!.cloudTrail.recentEvents) {
        const when = `${event.eventTime.slice(0, 16).replace('T', ' ')} UTC`;
        expect(row).toMatch(
          new RegExp(
            `${when} ${event.eventName}${event.failed ? ' \\(failed sign-in\\)' : ''}[^;]* by ${event.eventSource} in ${event.region}`,
          ),
        );
      }
      if (record.context!.cloudTrail.failedSignIns) expect(row).toMatch(/failed sign-ins?\b.*failed sign-in/);
    }
  });
});
