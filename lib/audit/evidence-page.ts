import { createHash } from 'node:crypto';
import { auditOrder, hoursToDecision, median, rowsJson, type AuditRow } from './rows';

/**
 * `cases --html`: one self-contained page for an auditor: no script, no external asset, so it opens
 * from a mail attachment or an evidence archive as it is. Its scope (table, accounts, period, when,
 * which version), a SHA-256 of the rows that anyone can recompute from `cases --json`, a summary
 * (counts by outcome, median time to decision, a chart) and the table of every case, which fits a
 * 1280 px screen and an A4 landscape page without cutting a cell.
 */

/** What the page covers: printed at its top, so that a printed copy says what it is. */
export interface EvidenceScope {
  readonly table: string;
  /** `cases --since`: the first day of the period asked for. */
  readonly since?: string;
  readonly generatedAt: Date;
  /** iam-janitor's version, from package.json. */
  readonly version: string;
}

/**
 * The SHA-256 of the rows exactly as `iam-janitor cases --json` prints them (same table, same
 * --since), trailing newline included: `cases --json | sha256sum` recomputes it while the table is
 * unchanged.
 */
export function rowsDigest(rows: readonly AuditRow[]): string {
  return createHash('sha256')
    .update(`${rowsJson(rows)}\n`)
    .digest('hex');
}

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

// Fixed layout with set column widths, and long ids and ARNs allowed to break anywhere: the table
// never grows past the page, and no cell is ever cut.
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
dl.scope { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 0; }
dl.scope dt { color: #555; }
dl.scope dd { margin: 0; overflow-wrap: anywhere; }
code { font-size: .9em; }
.tiles { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1.5rem 0; }
.tile { border: 1px solid #ddd; border-radius: 8px; padding: .75rem 1rem; min-width: 9rem; }
.tile b { display: block; font-size: 1.6rem; }
.chart { max-width: 40rem; }
.bar { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
.bar span.label { width: 9rem; text-align: right; }
.bar span.fill { background: #3b6fd4; height: 1rem; display: inline-block; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; table-layout: fixed; }
p.order { margin: 1.5rem 0 0; color: #555; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f4f4f6; }
td small { display: block; color: #555; }
td ul { margin: .25rem 0 0; padding-left: 1rem; font-size: .85em; }
col.case { width: 13%; } col.user { width: 13%; } col.why { width: 20%; } col.decision { width: 19%; }
col.outcome { width: 24%; } col.snapshot { width: 5%; } col.jira { width: 6%; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: .85em; }
}
`;

export function evidencePage(rows: readonly AuditRow[], scope: EvidenceScope): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>iam-janitor cases</title>
<style>${STYLE}</style>
</head>
<body>
<h1>iam-janitor cases</h1>
${scopeList(rows, scope)}
${summary(rows)}
<p class="order">Cases in the order they were opened, then by account and user.</p>
<table id="cases">
<colgroup><col class="case"><col class="user"><col class="why"><col class="decision"><col class="outcome"><col class="snapshot"><col class="jira"></colgroup>
<thead><tr><th>case, opened</th><th>user, account</th><th>why, evidence</th><th>decision</th><th>outcome, changes</th><th>snapshot</th><th>Jira</th></tr></thead>
<tbody>
${[...rows].sort(auditOrder).map(caseRow).join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

function scopeList(rows: readonly AuditRow[], scope: EvidenceScope): string {
  const accounts = [...new Set(rows.map((row) => row.accountId))].sort();
  const opened = rows.map((row) => row.openedAt).sort();
  const period =
    opened.length === 0
      ? `no case${scope.since ? ` opened since ${scope.since}` : ''}`
      : `cases opened ${opened[0]!.slice(0, 10)} to ${opened.at(-1)!.slice(0, 10)}${scope.since ? ` (asked: since ${scope.since})` : ' (every case of the table)'}`;
  const entries: [string, string][] = [
    ['case table', scope.table],
    ['accounts', accounts.join(', ') || 'none'],
    ['period', period],
    ['generated', `${scope.generatedAt.toISOString()} by iam-janitor ${scope.version}`],
    [
      'SHA-256 of the rows',
      `<code id="digest">${rowsDigest(rows)}</code>, of <code>iam-janitor cases --table ${escape(scope.table)}${scope.since ? ` --since ${scope.since}` : ''} --json</code> as printed, while the table is unchanged`,
    ],
  ];
  return `<dl class="scope">\n${entries
    .map(
      ([term, value]) => `<dt>${escape(term)}</dt><dd>${term.startsWith('SHA') ? value : escape(value)}</dd>`,
    )
    .join('\n')}\n</dl>`;
}

function summary(rows: readonly AuditRow[]): string {
  const byOutcome = new Map<string, number>();
  for (const row of rows) {
    const key = row.outcome ?? `(${row.status})`;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  }
  const outcomes = [...byOutcome.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const most = Math.max(1, ...outcomes.map(([, count]) => count));
  const medianHours = median(hoursToDecision(rows));
  const decided = rows.filter((row) => row.decision).length;
  const removed = rows.filter((row) => row.outcome === 'deleted').length;
  // Each tile's label is worded for its own number: "1 case", "2 users removed".
  const tiles: [string, string][] = [
    [String(rows.length), rows.length === 1 ? 'case' : 'cases'],
    [String(decided), 'decided'],
    [String(removed), removed === 1 ? 'user removed' : 'users removed'],
    [medianHours === null ? 'none decided' : duration(medianHours), 'median time to decision'],
  ];
  return `<section class="tiles" aria-label="summary">
${tiles.map(([value, label]) => `<div class="tile"><b>${escape(value)}</b>${escape(label)}</div>`).join('\n')}
</section>
<section class="chart" aria-label="cases by outcome">
<h2>Cases by outcome</h2>
${outcomes
  .map(
    ([outcome, count]) =>
      `<div class="bar" data-outcome="${escape(outcome)}"><span class="label">${escape(outcome)}</span><span class="fill" style="width:${Math.round((count / most) * 20)}rem"></span><span class="count">${count}</span></div>`,
  )
  .join('\n')}
</section>`;
}

/** A time to decision as a person says it: `under a minute`, `25 minutes`, `3.5 hours`, `2.1 days`. */
export function duration(hours: number): string {
  const minutes = Math.round(hours * 60);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  if (hours < 48) return `${hours.toFixed(1)} hours`;
  return `${(hours / 24).toFixed(1)} days`;
}

/** `Ana Lima (U0123ABCDEF)`: the name Slack showed at the click, beside the id that is on record. */
const person = (id: string, name: string | null) => (name ? `${name} (${id})` : id);

/** A link only to a web address: a value the audited account wrote never becomes a script. */
function link(url: string, label: string): string {
  return /^https?:\/\//.test(url) ? `<a href="${escape(url)}">${escape(label)}</a>` : escape(label);
}

function caseRow(row: AuditRow): string {
  const lines = (...parts: (string | null | false)[]) =>
    parts
      .filter((part): part is string => Boolean(part))
      .map((part, index) => (index === 0 ? escape(part) : `<small>${escape(part)}</small>`))
      .join('');
  const decision = row.decision
    ? lines(
        row.decision,
        row.firstApprover && `first approved by ${person(row.firstApprover, row.firstApproverName)}`,
        `by ${person(row.decidedBy ?? '?', row.decidedByName)}`,
        row.decidedAt && `at ${row.decidedAt}`,
        row.decisionReason && `reason: ${row.decisionReason}`,
      )
    : 'none';
  const outcome = lines(
    row.outcome ?? row.status,
    row.outcomeDetail,
    row.quarantine,
    row.closedAt && `closed ${row.closedAt}`,
  );
  const changes = row.changes.length
    ? `<ul>${row.changes.map((change) => `<li>${escape(change)}</li>`).join('')}</ul>`
    : '';
  const jira = row.jiraKey && row.jiraUrl ? link(row.jiraUrl, row.jiraKey) : escape(row.jiraKey ?? 'none');
  const execution = row.executionUrl ? `<small>${link(row.executionUrl, 'execution')}</small>` : '';
  const events = row.trailEvents.length
    ? `<ul class="events">${row.trailEvents.map((event) => `<li>${escape(event)}</li>`).join('')}</ul>`
    : '';
  return `<tr><td>${lines(row.caseId, `opened ${row.openedAt}`)}${execution}</td><td>${lines(
    row.userName + (row.credential ? ` (${row.credential})` : ''),
    `account ${row.accountId}`,
    `${row.kind} case, user id ${row.userId}`,
  )}</td><td>${lines(row.reason, row.evidence)}${events}</td><td>${decision}</td><td>${outcome}${changes}</td><td>${row.snapshotSaved ? 'yes' : 'no'}</td><td>${jira}</td></tr>`;
}
