import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { SlackStandin } from '../../lib/sim/standins/slack-standin';
import { csvOf } from '../../lib/cli/cases';
import { runCli } from '../helpers/cli';
import { inBrowser } from '../helpers/browser';
import { evidencePage } from '../../lib/audit/evidence-page';
import type { AuditRow } from '../../lib/audit/rows';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';

describe('iam-janitor cases (audit export)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-janitor-audit-'));
  const htmlFile = path.join(dir, 'cases.html');
  let json: AuditRow[] = [];
  let jsonText = '';
  let table = '';
  /** `cases --json` as printed, before the page was written. */
  const cliJsonAgain = async () => jsonText;
  let csv = '';
  let caseCount = 0;

  beforeAll(async () => {
    // The demo account, every outcome; the export reads the simulation's own case table.
    const detail = await runScenario(
      loadScenario(path.join(__dirname, '..', '..', 'examples', 'demo-account.json')),
      {
        afterRun: async () => {
          jsonText = (await runCli(['cases', '--table', CASE_TABLE, '--json'])).out;
          json = JSON.parse(jsonText) as AuditRow[];
          csv = (await runCli(['cases', '--table', CASE_TABLE, '--csv'])).out;
          table = (await runCli(['cases', '--table', CASE_TABLE])).out;
          expect((await runCli(['cases', '--table', CASE_TABLE, '--html', htmlFile])).code).toBe(0);
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

  it("prints each decider's name beside the Slack id in the terminal table", () => {
    const bob = json.find((row) => row.userName === 'bob')!;
    const line = table.split('\n').find((row) => /\bbob\b/.test(row))!;
    expect(line).toContain(`${bob.decidedBy} (${bob.decidedByName})`);
  });

  it('never writes a cell a spreadsheet would run as a formula', () => {
    const row = { ...json[0]!, userName: '=HYPERLINK("http://evil")', reason: '+1', changes: ['-x'] };
    const [parsed] = parse(csvOf([row]), { columns: true }) as Record<string, string>[];
    expect(parsed).toMatchObject({ userName: `'=HYPERLINK("http://evil")`, reason: "'+1", changes: "'-x" });
  });

  it('refuses two formats at once and a --since that is not a date', async () => {
    expect((await runCli(['cases', '--table', 't', '--json', '--csv'])).code).toBe(2);
    const bad = await runCli(['cases', '--table', 't', '--since', '2026-02-30']);
    expect(bad).toMatchObject({
      code: 2,
      err: 'iam-janitor cases: --since must be a date such as 2026-01-31 (got "2026-02-30")',
    });
  });

  it('writes an evidence page that a real browser renders, with every case in its table', async () => {
    await inBrowser(async (page) => {
      await page.goto(`file://${htmlFile}`);
      expect(await page.title()).toBe('iam-janitor cases');
      expect(await page.locator('#cases tbody tr').count()).toBe(caseCount);
      const bobRow = page.locator('#cases tbody tr', { hasText: 'bob' }).first();
      await expect(bobRow.innerText()).resolves.toMatch(/delete\s+first approved by|delete\s+by /);
      await expect(bobRow.innerText()).resolves.toContain('HR-2291');
      expect(await page.locator('.tile', { hasText: 'cases' }).first().innerText()).toContain(
        String(caseCount),
      );
      // The chart has a visible bar per outcome.
      const bar = page.locator('.bar[data-outcome="deleted"] .fill');
      expect((await bar.boundingBox())!.width).toBeGreaterThan(0);
    });
  }, 60_000);

  it('names each approver beside the Slack id, as Slack named them at the click, and links each ticket', async () => {
    const bob = json.find((row) => row.userName === 'bob')!;
    // What Slack answers for the decider: the name kept on the record is Slack's.
    const slack = new SlackStandin();
    await slack.start();
    try {
      const answer = (await new WebClient('xoxb-sim-token', {
        slackApiUrl: `${slack.url}/api/`,
        retryConfig: { retries: 0 },
      }).users.info({ user: bob.decidedBy! })) as { user?: { profile?: { real_name?: string } } };
      expect(bob.decidedByName).toBe(answer.user!.profile!.real_name);
    } finally {
      await slack.stop();
    }
    expect(bob.jiraUrl).toBe(`https://jira.example.com/browse/${bob.jiraKey}`);
    await inBrowser(async (page) => {
      await page.goto(`file://${htmlFile}`);
      const bobRow = page.locator('#cases tbody tr', { hasText: 'bob' }).first();
      expect(await bobRow.innerText()).toContain(`by ${bob.decidedByName} (${bob.decidedBy})`);
      // The ticket's link; the case's execution has its own beside the case id.
      const link = bobRow.locator('a', { hasText: bob.jiraKey! });
      expect(await link.getAttribute('href')).toBe(bob.jiraUrl);
      expect(await link.innerText()).toBe(bob.jiraKey);
    });
  }, 60_000);

  it('states its scope and a SHA-256 that `cases --json | sha256sum` reproduces', async () => {
    const printed = (await cliJsonAgain()) + '\n';
    const digest = createHash('sha256').update(printed).digest('hex');
    const version = (
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    await inBrowser(async (page) => {
      await page.goto(`file://${htmlFile}`);
      expect(await page.locator('#digest').innerText()).toBe(digest);
      const scope = await page.locator('dl.scope').innerText();
      expect(scope).toContain(`case table\n${CASE_TABLE}`);
      expect(scope).toContain('accounts\n123456789012');
      expect(scope).toMatch(/period\ncases opened 2026-11-2\d to 2026-11-2\d \(every case of the table\)/);
      expect(scope).toContain(`by iam-janitor ${version}`);
    });
  }, 60_000);

  it('fits a 1280 px screen and an A4 landscape page without cutting a cell, and prints link targets', async () => {
    await inBrowser(async (page) => {
      // A4 landscape less 12 mm margins: 273 mm at 96 px per inch.
      for (const [media, width] of [
        ['screen', 1280],
        ['print', Math.floor((273 / 25.4) * 96)],
      ] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ media });
        await page.goto(`file://${htmlFile}`);
        // In the page's own terms: how far the page scrolls sideways, and how many cells hide content.
        const overflow = (await page.evaluate(`({
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          cells: [...document.querySelectorAll('#cases td, #cases th')].filter(
            (cell) => cell.scrollWidth > cell.clientWidth + 1,
          ).length,
        })`)) as { page: number; cells: number };
        expect({ media, ...overflow }).toEqual({ media, page: 0, cells: 0 });
      }
      const after = (await page.evaluate(
        `getComputedStyle(document.querySelector('#cases a[href*="/browse/"]'), '::after').content`,
      )) as string;
      expect(after).toContain('https://jira.example.com/browse/');
      expect((await page.pdf({ format: 'A4', landscape: true })).subarray(0, 4).toString()).toBe('%PDF');
    });
  }, 60_000);

  it('writes the evidence page of a simulation with simulate --html, offline', async () => {
    const file = path.join(dir, 'simulated.html');
    const run = await runCli([
      'simulate',
      '--scenario',
      path.join(__dirname, '..', '..', 'examples', 'dry-run.json'),
      '--html',
      file,
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Wrote the evidence page of this simulation's cases to ${file}.`);
    expect(fs.readFileSync(file, 'utf8')).toContain('<table id="cases">');
  }, 120_000);

  it('escapes what the audited account controls', () => {
    const html = evidencePage(
      [{ ...json[0]!, reason: '<img src=x onerror=alert(1)>', jiraUrl: 'javascript:alert(1)' }],
      {
        table: 'test',
        generatedAt: new Date(),
        version: '0.0.0',
      },
    );
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
