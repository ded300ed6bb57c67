import { hoursToDecision, median, type AuditRow } from './rows';

/**
 * `cases --html`: one self-contained page for an auditor: no script, no external asset, so it opens
 * from a mail attachment or an evidence archive as it is. A summary (counts by outcome, median time
 * to decision, a bar chart) and the table of every case.
 */

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.meta { color: #555; margin-top: 0; }
.tiles { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1.5rem 0; }
.tile { border: 1px solid #ddd; border-radius: 8px; padding: .75rem 1rem; min-width: 9rem; }
.tile b { display: block; font-size: 1.6rem; }
.chart { max-width: 40rem; }
.bar { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
.bar span.label { width: 9rem; text-align: right; }
.bar span.fill { background: #3b6fd4; height: 1rem; display: inline-block; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f6; }
td.changes { font-size: .85em; }
`;

export function evidencePage(rows: readonly AuditRow[], generatedAt: Date, source: string): string {
  const byOutcome = new Map<string, number>();
  for (const row of rows) {
    const key = row.outcome ?? `(${row.status})`;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  }
  const outcomes = [...byOutcome.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const most = Math.max(1, ...outcomes.map(([, count]) => count));
  const medianHours = median(hoursToDecision(rows));
  const tiles: [string, string][] = [
    ['cases', String(rows.length)],
    ['decided', String(rows.filter((row) => row.decision).length)],
    ['users removed', String(rows.filter((row) => row.outcome === 'deleted').length)],
    ['median time to decision', medianHours === null ? 'none decided' : `${medianHours.toFixed(1)} h`],
  ];
  const cell = (value: string | null) => `<td>${escape(value ?? '')}</td>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>iam-janitor cases</title>
<style>${STYLE}</style>
</head>
<body>
<h1>iam-janitor cases</h1>
<p class="meta">${escape(source)} · generated ${escape(generatedAt.toISOString())} · ${rows.length} case${rows.length === 1 ? '' : 's'}</p>
<section class="tiles" aria-label="summary">
${tiles.map(([label, value]) => `<div class="tile"><b>${escape(value)}</b>${escape(label)}</div>`).join('\n')}
</section>
<section class="chart" aria-label="cases by outcome">
<h2>Cases by outcome</h2>
${outcomes
  .map(
    ([outcome, count]) =>
      `<div class="bar" data-outcome="${escape(outcome)}"><span class="label">${escape(outcome)}</span><span class="fill" style="width:${Math.round((count / most) * 20)}rem"></span><span class="count">${count}</span></div>`,
  )
  .join('\n')}
</section>
<table id="cases">
<thead><tr><th>case</th><th>user</th><th>account</th><th>kind</th><th>opened</th><th>why</th><th>evidence</th><th>decision</th><th>decided by</th><th>decided at</th><th>reason</th><th>outcome</th><th>changes</th><th>snapshot</th><th>Jira</th></tr></thead>
<tbody>
${rows
  .map(
    (row) =>
      `<tr>${cell(row.caseId)}${cell(row.userName + (row.credential ? ` (${row.credential})` : ''))}${cell(row.accountId)}${cell(row.kind)}${cell(row.openedAt)}${cell(row.reason)}${cell(row.evidence)}${cell(row.decision ?? 'none')}${cell(row.firstApprover ? `${row.firstApprover}, then ${row.decidedBy}` : row.decidedBy)}${cell(row.decidedAt)}${cell(row.decisionReason)}${cell(row.outcome ? row.outcome + (row.outcomeDetail ? `: ${row.outcomeDetail}` : '') : row.status)}<td class="changes">${row.changes.map(escape).join('<br>')}</td>${cell(row.snapshotSaved ? 'yes' : 'no')}${cell(row.jiraKey)}</tr>`,
  )
  .join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
