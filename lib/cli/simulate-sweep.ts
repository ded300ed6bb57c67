import { credentialFindings } from '../../lambdas/inventory/inventory';
import { count } from '../../lambdas/commons/runtime/text';
import type { SimulationDetail } from '../sim/run-scenario';
import type { Style } from './style';
import { alignColumns } from './table';

/** Above this many users, lists are counted rather than spelled out, unless --verbose. */
export const LIST_LIMIT = 40;

export type Rule = (title: string) => string;

/** The sweep of the timeline: its verdicts, its warnings and, in organization mode, its accounts. */
export function sweepSection(detail: SimulationDetail, rule: Rule, style: Style, verbose: boolean): string[] {
  const { report } = detail;
  const out = [
    rule(
      report.sweep.halted
        ? `Sweep: ${count(report.sweep.usersScanned, 'user')}, halted by the guard: no case opened, ${count(report.sweep.backlog, 'candidate')} waiting`
        : `Sweep: ${count(report.sweep.usersScanned, 'user')}, ${count(report.sweep.candidates.length, 'case')} opened` +
            (report.sweep.backlog > 0 ? `, ${report.sweep.backlog} waiting` : ''),
    ),
  ];
  // A large account: the verdicts counted, and the users that are not simply active, longest idle first.
  const listed =
    verbose || detail.verdicts.length <= LIST_LIMIT
      ? detail.verdicts
      : detail.verdicts
          .filter((user) => user.verdict !== 'active' || credentialFindings(user).length > 0)
          .sort((a, b) => b.idleDays - a.idleDays)
          .slice(0, 20);
  if (listed.length < detail.verdicts.length) {
    const tally = new Map<string, number>();
    for (const user of detail.verdicts) tally.set(user.verdict, (tally.get(user.verdict) ?? 0) + 1);
    out.push(
      `  ${[...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([verdict, users]) => `${users} ${verdict}`)
        .join(
          ', ',
        )}; the ${listed.length} longest idle that are not simply active (--verbose lists all ${detail.verdicts.length}):`,
    );
  }
  // An active user's credentials that are not in use show under the user: the CIS AWS Foundations
  // v3.0.0 1.12 (v5.0.0 1.11) finding.
  out.push(
    ...alignColumns(
      [
        ['USER', 'VERDICT', 'IDLE', 'REASON'],
        ...listed.flatMap((user) => [
          [user.userName, user.verdict, `${user.idleDays}d`, user.reason],
          ...credentialFindings(user).map((credential) => [
            `  └ ${credential.id}`,
            credential.verdict,
            `${credential.idleDays}d`,
            credential.reason,
          ]),
        ]),
      ],
      '  ',
    ),
  );
  for (const warning of sweepWarnings(report.warnings)) out.push(style.yellow(`  ⚠ ${warning}`));
  out.push(...organizationLines(report, style));
  if (report.sweep.halted)
    out.push(
      '',
      style.red(`  ✋ HALTED by the blast-radius guard: ${report.sweep.haltReason}`),
      '  No case was opened. Check the credential report; if the candidates are real, `iam-janitor acknowledge-guard` lets the next sweep through once.',
    );
  return out;
}

/** The root user's findings, then each marker tag the sweep did not believe, with its user. */
export function sweepWarnings(warnings: SimulationDetail['report']['warnings']): string[] {
  return [
    ...warnings.root,
    ...warnings.ignoredTags.map(({ userName, warning }) => `${userName}: ${warning}`),
  ];
}

function organizationLines(report: SimulationDetail['report'], style: Style): string[] {
  const accounts = report.sweep.accounts;
  if (!accounts) return [];
  return [
    '',
    `  Organization: ${accounts.swept} accounts swept in a Distributed Map.`,
    ...accounts.failed.map((failed) =>
      style.yellow(`  ⚠ account ${failed.accountId} failed (${failed.error}): reported, the others went on`),
    ),
    ...accounts.halted.map((halted) =>
      style.yellow(`  ✋ account ${halted.accountId} halted by its own guard: ${halted.haltReason}`),
    ),
  ];
}
