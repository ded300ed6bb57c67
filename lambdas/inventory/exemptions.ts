import type { UserCase } from '../commons/case/history';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  handKeepEnds,
  type ExemptionOrigin,
  type ExemptionSeen,
  type ExemptionSighting,
} from '../commons/case/exemption-record';
import type { Tags } from '../commons/iam/tags';
import type { CredentialReportRow } from './credential-report';
import {
  caseThatWrote,
  hasMarker,
  NO_MARKERS,
  originOf,
  readMarkers,
  type MarkerReading,
  type UserCases,
} from './markers';

/**
 * An exemption is a tag that holds a user out of review: the protected tag, a keep-until (the
 * user's, or one credential's `<keepUntilTagKey>:<credential id>`). Anyone who may tag the user can
 * write one, the subject included. Both are honoured, but each is shown with its origin: a
 * keep-until counts as decided only where a Keep in the case table wrote that value for that user
 * id; any other is set by hand, and counts for at most maxKeepDays from the sweep that first saw it.
 * The protected tag still protects whoever wrote it (iam-janitor never writes it): set by hand.
 */

export interface ExemptionPolicy {
  readonly protectedTagKey: string;
  readonly keepUntilTagKey: string;
  readonly maxKeepDays: number;
}

/** The first sightings of exemptions: the sweep remembers them, `report` and the preview only read. */

export type ExemptionMemory = (sightings: readonly ExemptionSighting[]) => Promise<ExemptionSeen[]>;

const fold = (key: string) => key.toLowerCase();

/** Whether a tag key is a keep-until, as IAM compares keys: the user's or a credential's. */
export const isKeepTag = (tag: string, keepUntilTagKey: string) =>
  fold(tag) === fold(keepUntilTagKey) || fold(tag).startsWith(`${fold(keepUntilTagKey)}:`);

/** Whether the user carries any exemption tag (and so needs its cases read). */
export const hasExemptionTag = (tags: Tags, policy: ExemptionPolicy) =>
  Object.keys(tags).some(
    (tag) => fold(tag) === fold(policy.protectedTagKey) || isKeepTag(tag, policy.keepUntilTagKey),
  );

/** The exemptions one user's tags hold, each with its origin by that user's cases. */
export function sightingsOf(
  user: { readonly userName: string; readonly userId: string; readonly tags: Tags },
  cases: readonly UserCase[] | undefined,
  policy: ExemptionPolicy,
): ExemptionSighting[] {
  const { userName, userId } = user;
  return Object.entries(user.tags).flatMap(([tag, value]): ExemptionSighting[] => {
    if (fold(tag) === fold(policy.protectedTagKey))
      return [{ userId, userName, kind: 'protected', tag, value, origin: { by: 'hand' } }];
    // A value that is no date keeps nothing (the verdict warns of it): not an exemption.
    if (!isKeepTag(tag, policy.keepUntilTagKey) || !parseKeepUntil(value)) return [];
    const decided = cases && caseThatWrote(cases, tag, value, 'kept');
    const origin: ExemptionOrigin = decided ? originOf(decided) : { by: cases ? 'hand' : 'unread' };
    return [{ userId, userName, kind: 'keep-until', tag, value, origin }];
  });
}

/** Sightings with today as their first date: where nothing remembers them (`report` without a table). */
export const unremembered =
  (now: Date): ExemptionMemory =>
  async (sightings) =>
    sightings.map((sighting) => ({
      ...sighting,
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
    }));

/** Whether a keep-until counts today by its origin (a date in the past counts for nothing anyway). */
export function keepCounts(seen: ExemptionSeen | undefined, maxKeepDays: number, now: Date): boolean {
  if (seen?.origin.by !== 'hand') return true;
  return now.getTime() < handKeepEnds(seen, maxKeepDays).getTime();
}

/** Why a keep-until set by hand no longer counts: its date, its origin and first sighting, the cap. */
export const lapsedText = (seen: ExemptionSeen, maxKeepDays: number) =>
  `${seen.tag} ${seen.value} set by hand, first seen ${seen.firstSeen.slice(0, 10)}, counts for at most ${maxKeepDays} days; the user is judged again`;

/** Accepts YYYY-MM-DD (the form Keep writes) or a full ISO timestamp; a date means the end of that day, UTC. */
export function parseKeepUntil(value: string): Date | null {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (dateOnly) {
    const date = new Date(`${value.trim()}T23:59:59.999Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim() ? null : date;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A keep-until set by hand whose date is still ahead but whose maxKeepDays have run out. */
function lapsed(seen: ExemptionSeen, maxKeepDays: number, now: Date): boolean {
  const until = seen.kind === 'keep-until' ? parseKeepUntil(seen.value) : null;
  return until !== null && until.getTime() > now.getTime() && !keepCounts(seen, maxKeepDays, now);
}

export interface TagReadingDeps {
  readonly userCases?: UserCases;
  readonly exemptions?: ExemptionMemory;
  readonly policy: ExemptionPolicy;
  readonly now: Date;
}

/**
 * The markers and exemptions of the users judged on their tags, by user name: one index Query per
 * user carrying either, a live read for each a recorded Disable marked, and one call to the memory
 * of exemptions. Users without such a tag cost nothing.
 */
export async function tagReadings(
  iam: IAMClient,
  rows: ReadonlyMap<string, CredentialReportRow>,
  facts: ReadonlyMap<string, { readonly userId: string; readonly tags: Tags }>,
  deps: TagReadingDeps,
): Promise<Map<string, MarkerReading>> {
  const { policy, now } = deps;
  const tagged = [...facts].filter(
    ([userName, fact]) => rows.has(userName) && (hasMarker(fact.tags) || hasExemptionTag(fact.tags, policy)),
  );
  const readings = new Map<string, MarkerReading>();
  if (tagged.length === 0) return readings;
  const cases = await deps.userCases?.(tagged.map(([, fact]) => fact.userId));
  const sightings: ExemptionSighting[] = [];
  for (const [userName, fact] of tagged) {
    const known = cases ? (cases.get(fact.userId) ?? []) : undefined;
    const markers = hasMarker(fact.tags)
      ? await readMarkers(iam, rows.get(userName)!, fact.tags, known)
      : NO_MARKERS;
    readings.set(userName, markers);
    sightings.push(...sightingsOf({ userName, ...fact }, known, policy));
  }
  const seen = sightings.length > 0 ? await (deps.exemptions ?? unremembered(now))(sightings) : [];
  for (const [userName, fact] of tagged) {
    const own = seen.filter((entry) => entry.userId === fact.userId);
    const reading = readings.get(userName)!;
    const warnings = own.filter((entry) => lapsed(entry, policy.maxKeepDays, now));
    readings.set(userName, {
      ...reading,
      warnings: [...reading.warnings, ...warnings.map((entry) => lapsedText(entry, policy.maxKeepDays))],
      exemptions: own,
    });
  }
  return readings;
}
