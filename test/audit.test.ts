import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { csvOf } from '../lib/cli/cases';
import { main } from '../lib/cli/main';
import { evidencePage } from '../lib/audit/evidence-page';
import type { AuditRow } from '../lib/audit/rows';
import { CASE_TABLE } from '../lib/sim/dynamo';
import { runScenario } from '../lib/sim/run-scenario';
import { loadScenario } from '../lib/sim/scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('iam-janitor cases (audit export)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-janitor-audit-'));
  const htmlFile = path.join(dir, 'cases.html');
  let json: AuditRow[] = [];
  let csv = '';
  let caseCount = 0;

  beforeAll(async () => {
    // The demo account, every outcome; the export reads the simulation's own case table.
    const detail = await runScenario(
      loadScenario(path.join(__dirname, '..', 'examples', 'demo-account.json')),
      {
        afterRun: async () => {
          json = JSON.parse((await cli(['cases', '--table', CASE_TABLE, '--json'])).out) as AuditRow[];
          csv = (await cli(['cases', '--table', CASE_TABLE, '--csv'])).out;
          expect((await cli(['cases', '--table', CASE_TABLE, '--html', htmlFile])).code).toBe(0);
        },
      },
    );
    // Mallory's case was already open before the run: it is in the table too.
    caseCount = detail.report.cases.length + 1;
  }, 120_000);

  it('lists every case with its decider and outcome, as JSON and as CSV', () => {
    expect(json).toHaveLength(caseCount);
    const bob = json.find((row) => row.userName === 'bob')!;
    expect(bob).toMatchObject({
      kind: 'user',
      accountId: '123456789012',
      decision: 'delete',
      decidedBy: 'U0123ABCDEF',
      outcome: 'deleted',
      snapshotSaved: true,
      jiraKey: expect.stringMatching(/^SEC-\d+$/),
    });
    expect(bob.changes).toContain('delete user bob');
    // The approver's reason, typed in the message before the click, is kept with the decision.
    expect(bob.decisionReason).toBe('Left the data team in August (HR-2291); keys unused since');
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(caseCount);
    expect(records.find((row) => row.userName === 'bob')).toMatchObject({
      decidedBy: 'U0123ABCDEF',
      decisionReason: 'Left the data team in August (HR-2291); keys unused since',
    });
    expect(records.find((row) => row.userName === 'carol')).toMatchObject({
      decision: 'disable',
      decidedBy: 'U0456GHIJKL',
      outcome: 'disabled',
      snapshotSaved: 'true',
    });
  });

  it('never writes a cell a spreadsheet would run as a formula', () => {
    const row = { ...json[0]!, userName: '=HYPERLINK("http://evil")', reason: '+1', changes: ['-x'] };
    const [parsed] = parse(csvOf([row]), { columns: true }) as Record<string, string>[];
    expect(parsed).toMatchObject({ userName: `'=HYPERLINK("http://evil")`, reason: "'+1", changes: "'-x" });
  });

  it('refuses two formats at once and a --since that is not a date', async () => {
    expect((await cli(['cases', '--table', 't', '--json', '--csv'])).code).toBe(2);
    const bad = await cli(['cases', '--table', 't', '--since', '2026-02-30']);
    expect(bad).toMatchObject({
      code: 2,
      err: '--since must be a date such as 2026-01-31 (got "2026-02-30")',
    });
  });

  it('writes an evidence page that a real browser renders, with every case in its table', async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `No Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH.`,
      );
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${htmlFile}`);
      expect(await page.title()).toBe('iam-janitor cases');
      expect(await page.locator('#cases tbody tr').count()).toBe(caseCount);
      const bobRow = page.locator('#cases tbody tr', { hasText: 'bob' }).first();
      await expect(bobRow.innerText()).resolves.toMatch(/delete\s+U0123ABCDEF/);
      await expect(bobRow.innerText()).resolves.toContain('HR-2291');
      expect(await page.locator('.tile', { hasText: 'cases' }).first().innerText()).toContain(
        String(caseCount),
      );
      // The chart has a visible bar per outcome.
      const bar = page.locator('.bar[data-outcome="deleted"] .fill');
      expect((await bar.boundingBox())!.width).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('escapes what the audited account controls', () => {
    const html = evidencePage([{ ...json[0]!, reason: '<img src=x onerror=alert(1)>' }], new Date(), 'test');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
