import type { CaseRecord, SweepRecord } from '../commons/case/record';
import type { Outcome } from '../commons/contracts/outcome';
import { quarantineHeld, quarantinedName } from '../commons/case/outcome';
import { isClosed, isWatched } from '../commons/case/lifecycle';
import { escapeMrkdwn } from '../commons/runtime/text';
import { exemptionsOfWeek, exemptionLines, type WeekExemptions } from './exemptions';
import type { ExemptionSeen } from '../commons/case/exemption-record';

/** The week in numbers: a pure function of the case records and the latest sweep. */
export interface WeeklySummary {
  readonly since: string;
  readonly opened: number;
  readonly openedCredentialCases: number;
  readonly decided: number;
  readonly waiting: number;
  /** Users denied everything now, watched until their deletion. */
  readonly quarantined: number;
  /** Quarantines that someone's attempt tripped this week. */
  readonly tripped: number;
  /** Users whose case ended with them still quarantined (tripped and undecided, refused or failed), never released. */
  readonly leftQuarantined: string[];
  readonly outcomes: Partial<Record<Outcome, number>>;
  /** The exemptions this week's sweeps saw, with their origins; absent where none was remembered. */
  readonly exemptions?: WeekExemptions;
  readonly sweep?: Pick<
    SweepRecord,
    | 'finishedAt'
    | 'backlog'
    | 'staleCredentials'
    | 'halted'
    | 'haltReason'
    | 'failedAccounts'
    | 'failedAccountCount'
    | 'haltedAccounts'
    | 'haltedAccountCount'
  >;
}

export function summaryOf(
  cases: readonly CaseRecord[],
  sweep: SweepRecord | undefined,
  since: Date,
  remembered: { readonly exemptions: readonly ExemptionSeen[]; readonly maxKeepDays: number } = {
    exemptions: [],
    maxKeepDays: 365,
  },
): WeeklySummary {
  const exemptions = exemptionsOfWeek(remembered.exemptions, since, remembered.maxKeepDays);
  const inWeek = (iso: string | undefined) => iso !== undefined && new Date(iso).getTime() >= since.getTime();
  const opened = cases.filter((record) => inWeek(record.openedAt));
  const outcomes: Partial<Record<Outcome, number>> = {};
  for (const record of cases)
    if (record.outcome && inWeek(record.closedAt))
      outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1;
  return {
    since: since.toISOString(),
    opened: opened.length,
    openedCredentialCases: opened.filter((record) => record.candidate.kind === 'credential').length,
    decided: cases.filter((record) => inWeek(record.decision?.decidedAt)).length,
    waiting: cases.filter((record) => !isClosed(record) && !isWatched(record)).length,
    quarantined: cases.filter(isWatched).length,
    tripped: cases.filter((record) => inWeek(record.quarantine?.trippedAt)).length,
    leftQuarantined: cases
      // A quarantine cut short after its deny, or whose deny someone took off, is left too.
      .filter((record) => isClosed(record) && quarantineHeld(record))
      .map((record) => {
        const name = quarantinedName(record);
        const user = name === record.userName ? name : `${record.userName} (renamed ${name})`;
        return record.candidate.accountId ? `${record.candidate.accountId}/${user}` : user;
      })
      .sort(),
    outcomes,
    ...(exemptions ? { exemptions } : {}),
    ...(sweep
      ? {
          sweep: {
            finishedAt: sweep.finishedAt,
            backlog: sweep.backlog,
            staleCredentials: sweep.staleCredentials,
            halted: sweep.halted,
            ...(sweep.haltReason ? { haltReason: sweep.haltReason } : {}),
            ...(sweep.failedAccounts?.length
              ? {
                  failedAccounts: sweep.failedAccounts,
                  failedAccountCount: sweep.failedAccountCount ?? sweep.failedAccounts.length,
                }
              : {}),
            ...(sweep.haltedAccounts?.length
              ? {
                  haltedAccounts: sweep.haltedAccounts,
                  haltedAccountCount: sweep.haltedAccountCount ?? sweep.haltedAccounts.length,
                }
              : {}),
          },
        }
      : {}),
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function summaryText(summary: WeeklySummary): string {
  const outcomes = Object.entries(summary.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, count]) => `${outcome} ${count}`);
  const lines = [
    `*iam-janitor weekly summary* (since ${summary.since.slice(0, 10)})`,
    `• ${plural(summary.opened, 'case')} opened (${summary.openedCredentialCases} about a single credential), ${summary.decided} decided`,
    `• ${plural(summary.waiting, 'case')} waiting for a decision`,
    ...(summary.quarantined + summary.tripped > 0
      ? [
          `• ${plural(summary.quarantined, 'user')} in quarantine (denied everything, deleted if nobody tries their credentials); ${plural(summary.tripped, 'quarantine')} tripped this week`,
        ]
      : []),
    ...(summary.leftQuarantined.length > 0
      ? [
          `• ⚠ ${plural(summary.leftQuarantined.length, 'user')} left quarantined by a closed case until someone decides, each holding what its quarantine left on it (the deny, its tags, or part of them): ${escapeMrkdwn(summary.leftQuarantined.join(', '))}. Release with \`iam-janitor release --case &lt;id&gt;\`, or delete.`,
        ]
      : []),
    `• Outcomes: ${outcomes.length > 0 ? outcomes.join(', ') : 'none this week'}`,
    ...(summary.exemptions ? exemptionLines(summary.exemptions) : []),
  ];
  const sweep = summary.sweep;
  if (!sweep) {
    lines.push('• No sweep has run yet.');
  } else {
    lines.push(
      `• Latest sweep ${sweep.finishedAt.slice(0, 10)}: ${plural(sweep.staleCredentials, 'stale credential')} of active users found, ${plural(sweep.backlog, 'candidate')} waiting for a later sweep (backlog)`,
    );
    if (sweep.halted)
      lines.push(
        `• ⚠ That sweep was halted by the guard: ${escapeMrkdwn(sweep.haltReason ?? 'see its logs')}. If the candidates are real, run \`iam-janitor acknowledge-guard\`.`,
      );
    if (sweep.haltedAccounts?.length)
      lines.push(
        `• ⚠ ${plural(sweep.haltedAccountCount ?? sweep.haltedAccounts.length, 'account')} halted by their own guard: ${namedAccounts(sweep.haltedAccounts, sweep.haltedAccountCount)} (\`iam-janitor acknowledge-guard --account &lt;id&gt;\`).`,
      );
    if (sweep.failedAccounts?.length)
      lines.push(
        `• ⚠ ${plural(sweep.failedAccountCount ?? sweep.failedAccounts.length, 'account')} could not be inventoried: ${namedAccounts(sweep.failedAccounts, sweep.failedAccountCount)}. Check the member-role StackSet's instances there.`,
      );
  }
  return lines.join('\n');
}

/** The accounts the sweep record names (the first 20 by id), and how many more it counted. */
function namedAccounts(named: readonly string[], count = named.length): string {
  const more = count - named.length;
  return more > 0
    ? `${named.join(', ')} and ${more} more (the sweep's logs list them all)`
    : named.join(', ');
}
