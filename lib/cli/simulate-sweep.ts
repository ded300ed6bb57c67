import { credentialFindings, type UserFinding } from '../../lambdas/inventory/inventory';
import { count } from '../../lambdas/commons/runtime/text';
import type { SimulationDetail } from '../sim/scenario-report';
import type { Style } from './style';
import { alignColumns, verdictLabel } from './table';

/** Above this many users, lists are counted rather than spelled out, unless --verbose. */
export const LIST_LIMIT = 40;

export type Rule = (title: string) => string;

/** The sweep of the timeline: its verdicts, its warnings and, in organization mode, its accounts. */
export function sweepSection(detail: SimulationDetail, rule: Rule, style: Style, verbose: boolean): string[] {
  const { report } = detail;
  const out = [rule(sweepTitle(report))];
  const { listed, what } = listedUsers(detail, verbose);
  if (what) {
    const tally = new Map<string, number>();
    for (const user of detail.verdicts) tally.set(user.verdict, (tally.get(user.verdict) ?? 0) + 1);
    out.push(
      `  ${[...tally]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([verdict, users]) => `${users} ${verdict}`)
        .join(', ')}; ${what} (--verbose lists all ${detail.verdicts.length}):`,
    );
  }
  // An active user's credentials that are not in use show under the user: the CIS AWS Foundations
  // v3.0.0 1.12 (v5.0.0 1.11) finding.
  out.push(
    ...alignColumns(
      [
        ['USER', 'VERDICT', 'IDLE', 'REASON'],
        ...listed.flatMap((user) => [
          [user.userName, verdictLabel(user.verdict), `${user.idleDays}d`, user.reason],
          ...credentialFindings(user).map((credential) => [
            `  └ ${credential.id}`,
            verdictLabel(credential.verdict),
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

/**
 * The sweep's rule, which counts every case of the run by what started it: the sweep's own, then
 * the offboardings' and the later sweeps', so that no case below appears uncounted.
 */
function sweepTitle(report: SimulationDetail['report']): string {
  const { sweep } = report;
  const scanned = count(sweep.usersScanned, 'user');
  const own = sweep.halted
    ? `${scanned}, halted by the guard: no case opened, ${count(sweep.backlog, 'candidate')} waiting`
    : `${scanned}, ${count(sweep.candidates.length, 'case')} opened` +
      (sweep.backlog > 0 ? `, ${sweep.backlog} waiting` : '');
  const startedBy = (origin: string) => report.cases.filter((entry) => entry.startedBy === origin).length;
  const refused = report.offboardRefused?.length ?? 0;
  const offboarded = startedBy('offboard');
  const later = report.laterSweeps ?? [];
  return [
    `Sweep: ${own}`,
    ...(offboarded + refused > 0
      ? [`offboarding: ${count(offboarded, 'case')} started${refused > 0 ? `, ${refused} refused` : ''}`]
      : []),
    ...(later.length > 0
      ? [`${count(later.length, 'later sweep')}: ${count(startedBy('laterSweep'), 'case')} opened`]
      : []),
  ].join('; ');
}

/** How many users a large account's timeline lists. */
const LISTED = 20;

/**
 * The users the timeline lists, and what the list is when it is not every user: in a large account,
 * the users the sweep opened a case for first, in the order the sweep opened them (longest idle first, ties by
 * user id, as `batchOf` orders them), then the longest idle of the other users not simply active,
 * ties by name. Every tie is broken by a rule the header states.
 */
function listedUsers(detail: SimulationDetail, verbose: boolean): { listed: UserFinding[]; what?: string } {
  const { verdicts, report } = detail;
  if (verbose || verdicts.length <= LIST_LIMIT) return { listed: verdicts };
  const byName = new Map(verdicts.map((user) => [user.userName, user]));
  const opened = report.sweep.halted
    ? []
    : [...new Set(report.sweep.candidates)].flatMap((userName) => byName.get(userName) ?? []);
  const withCase = new Set(opened);
  const rest = verdicts
    .filter(
      (user) => !withCase.has(user) && (user.verdict !== 'active' || credentialFindings(user).length > 0),
    )
    .sort((a, b) => b.idleDays - a.idleDays || a.userName.localeCompare(b.userName));
  const listed = [...opened, ...rest].slice(0, LISTED);
  const others = listed.length - Math.min(opened.length, LISTED);
  const sweepOrder = "in the sweep's order (longest idle first, ties by user id)";
  const parts = [
    ...(opened.length > LISTED
      ? [`the first ${LISTED} of the ${opened.length} users the sweep opened a case for, ${sweepOrder}`]
      : opened.length > 0
        ? [
            `the ${opened.length === 1 ? 'user' : `${opened.length} users`} the sweep opened a case for, ${sweepOrder}`,
          ]
        : []),
    ...(others > 0
      ? [
          `${opened.length > 0 ? 'then ' : ''}the ${others === 1 ? 'longest idle' : `${others} longest idle`} of the other users that are not simply active (ties by name)`,
        ]
      : []),
  ];
  return { listed, what: parts.join(', ') || 'no user that is not simply active' };
}

function organizationLines(report: SimulationDetail['report'], style: Style): string[] {
  const { accounts, overlapping } = report.sweep;
  if (overlapping)
    return [
      '',
      style.yellow(
        `  ⏸ Sweep ${overlapping.sweepId}, started ${overlapping.since}, still holds the organization: this sweep did nothing.`,
      ),
    ];
  if (!accounts) return [];
  const leftOut = [
    ...(accounts.excluded > 0 ? [`${count(accounts.excluded, 'account')} excluded by the config`] : []),
    ...(accounts.inactive > 0 ? [`${count(accounts.inactive, 'account')} suspended or closing`] : []),
    ...(accounts.managementAccountSkipped
      ? [`the management account ${accounts.managementAccountSkipped} (no member roles there)`]
      : []),
  ];
  const unnamed = (shown: number, all: number) =>
    all > shown ? [`  … and ${count(all - shown, 'more account')} (the sweep's logs name them all)`] : [];
  return [
    '',
    `  Organization: ${count(accounts.swept, 'account')} swept${leftOut.length > 0 ? `; not swept: ${leftOut.join(', ')}` : ''}.`,
    ...accounts.failed.map((failed) =>
      style.yellow(`  ⚠ account ${failed.accountId} failed (${failed.error}): reported, the others went on`),
    ),
    ...unnamed(accounts.failed.length, accounts.failedCount),
    ...accounts.halted.map((halted) =>
      style.yellow(`  ✋ account ${halted.accountId} halted by its own guard: ${halted.haltReason}`),
    ),
    ...unnamed(accounts.halted.length, accounts.haltedCount),
  ];
}
