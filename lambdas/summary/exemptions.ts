import { exemptionLine, handKeepEnds, type ExemptionSeen } from '../commons/case/exemption-record';
import { escapeMrkdwn } from '../commons/runtime/text';

/**
 * The week's exemptions: how many held users out of review (how many of them set by hand), the
 * ones first seen since the last summary, and the keep-until tags set by hand that stopped counting
 * this week (maxKeepDays after their first sighting), each with why.
 */
export interface WeekExemptions {
  readonly held: number;
  readonly byHand: number;
  readonly firstSeen: string[];
  readonly lapsed: string[];
}

/** Lists longer than this end with a count; `iam-janitor report` names every one. */
const LISTED = 10;

export function exemptionsOfWeek(
  remembered: readonly ExemptionSeen[],
  since: Date,
  maxKeepDays: number,
): WeekExemptions | undefined {
  const inWeek = (iso: string) => new Date(iso).getTime() >= since.getTime();
  const held = remembered.filter((seen) => inWeek(seen.lastSeen));
  if (held.length === 0) return undefined;
  const lapsed = held.filter((seen) => {
    if (seen.kind !== 'keep-until' || seen.origin.by !== 'hand') return false;
    const ends = handKeepEnds(seen, maxKeepDays).toISOString();
    // Its date still ahead when last seen, its maxKeepDays run out this week.
    return seen.value.slice(0, 10) > seen.lastSeen.slice(0, 10) && ends <= seen.lastSeen && inWeek(ends);
  });
  return {
    held: held.length,
    byHand: held.filter((seen) => seen.origin.by === 'hand').length,
    firstSeen: held.filter((seen) => inWeek(seen.firstSeen)).map((seen) => exemptionLine(seen, maxKeepDays)),
    lapsed: lapsed.map(
      (seen) =>
        `${seen.accountId ? `${seen.accountId}/` : ''}${seen.userName}: ${seen.tag} ${seen.value} set by hand, first seen ${seen.firstSeen.slice(0, 10)}, counts for at most ${maxKeepDays} days; judged again`,
    ),
  };
}

const listed = (lines: readonly string[]) =>
  escapeMrkdwn(
    lines.slice(0, LISTED).join('; ') +
      (lines.length > LISTED ? `; and ${lines.length - LISTED} more (iam-janitor report lists them)` : ''),
  );

export function exemptionLines(week: WeekExemptions): string[] {
  return [
    `• ${week.held} exemption${week.held === 1 ? '' : 's'} held users out of review (${week.byHand} set by hand, not by a decision)`,
    ...(week.firstSeen.length > 0 ? [`• New since the last summary: ${listed(week.firstSeen)}`] : []),
    ...(week.lapsed.length > 0 ? [`• ⚠ Set by hand and no longer counted: ${listed(week.lapsed)}`] : []),
  ];
}
