import * as fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { CaseHistory } from '../../lambdas/commons/case/history';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { evidencePage, rowsDigest } from '../audit/evidence-page';
import { count } from '../../lambdas/commons/runtime/text';
import { packageVersion } from './version';
import { AUDIT_COLUMNS, auditOrder, auditRow, rowsJson, type AuditRow } from '../audit/rows';
import type { CommandIo } from './io';
import { explainAwsError } from './aws-errors';
import { alignColumns } from './table';

export interface CasesFlags {
  readonly table?: unknown;
  readonly since?: unknown;
  readonly json?: unknown;
  readonly csv?: unknown;
  readonly html?: unknown;
}

/**
 * `iam-janitor cases`: every case of the case table, for an audit (SOC 2 CC6, PCI DSS 8.2.6,
 * NIST AC-2(3)): who was judged and why, who decided what and when, what changed, and whether a
 * snapshot and a ticket exist. Read-only.
 */
export async function runCases(flags: CasesFlags, io: CommandIo, now = new Date()): Promise<number> {
  const table = typeof flags.table === 'string' ? flags.table : process.env.CASE_TABLE_NAME;
  if (!table) {
    io.stderr('cases needs --table <CaseTableName output> (or CASE_TABLE_NAME set).');
    return 2;
  }
  const formats = [flags.json && 'json', flags.csv && 'csv', flags.html !== undefined && 'html'].filter(
    Boolean,
  );
  if (formats.length > 1) {
    io.stderr(`Choose one of --json, --csv and --html FILE (got ${formats.join(', ')}).`);
    return 2;
  }
  let since: Date | undefined;
  if (flags.since !== undefined) {
    const text = String(flags.since);
    since = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
    if (!since || Number.isNaN(since.getTime()) || since.toISOString().slice(0, 10) !== text) {
      io.stderr(`--since must be a date such as 2026-01-31 (got "${text}")`);
      return 2;
    }
  }
  if (flags.html !== undefined && (typeof flags.html !== 'string' || flags.html === '')) {
    io.stderr('--html needs the file to write, such as --html cases.html');
    return 2;
  }
  const records = await new CaseHistory(documentClient(), table).listCases(since).catch((error: unknown) => {
    throw new Error(explainAwsError(error), { cause: error });
  });
  const rows = records.map(auditRow).sort(auditOrder);
  if (flags.json) {
    io.stdout(rowsJson(rows));
  } else if (flags.csv) {
    io.stdout(csvOf(rows));
  } else if (typeof flags.html === 'string') {
    fs.writeFileSync(
      flags.html,
      evidencePage(rows, {
        table,
        ...(since ? { since: since.toISOString().slice(0, 10) } : {}),
        generatedAt: now,
        version: packageVersion(),
      }),
    );
    io.stdout(
      `Wrote ${count(rows.length, 'case')} to ${flags.html}. SHA-256 of the rows: ${rowsDigest(rows)} (the same as \`cases --json | sha256sum\` while the table is unchanged).`,
    );
  } else {
    io.stdout(
      alignColumns([
        ['OPENED', 'USER', 'KIND', 'DECISION', 'BY', 'OUTCOME', 'JIRA'],
        ...rows.map((row) => [
          row.openedAt.slice(0, 16).replace('T', ' '),
          row.userName + (row.credential ? ` (${row.credential})` : ''),
          row.kind,
          row.decision ?? 'none',
          row.decidedBy ? `${row.decidedBy}${row.decidedByName ? ` (${row.decidedByName})` : ''}` : '',
          row.outcome ?? row.status,
          row.jiraKey ?? '',
        ]),
      ]).join('\n'),
    );
  }
  return 0;
}

/**
 * RFC 4180 through csv-stringify; a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * is prefixed with a quote, because user names and reasons come from the audited account.
 */
export function csvOf(rows: readonly AuditRow[]): string {
  const cell = (value: AuditRow[keyof AuditRow]) => {
    const text = Array.isArray(value) ? value.join('; ') : value === null ? '' : String(value);
    return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  };
  return stringify([
    AUDIT_COLUMNS as string[],
    ...rows.map((row) => AUDIT_COLUMNS.map((column) => cell(row[column]))),
  ]);
}
