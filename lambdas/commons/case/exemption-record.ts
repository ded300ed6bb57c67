import { DAY_MS } from '../runtime/time';

/**
 * What the sweep remembers of each exemption it saw on a user it would otherwise judge (the
 * protected tag, a keep-until): where it came from and when it was first and last seen. A
 * keep-until set by hand counts for at most maxKeepDays from its first sighting, and the weekly
 * summary lists the exemptions first seen since the last one.
 */

/**
 * Where an exemption came from: a decision recorded in a case, or nothing iam-janitor recorded;
 * `unread` where the case table was not read to tell (`report` without --table).
 */
export type ExemptionOrigin =
  | { readonly by: 'case'; readonly caseId: string; readonly decidedBy: string }
  | { readonly by: 'hand' }
  | { readonly by: 'unread' };

/** One exemption as a sweep sees it on a user. */
export interface ExemptionSighting {
  readonly userId: string;
  readonly userName: string;
  readonly accountId?: string;
  readonly kind: 'protected' | 'keep-until';
  /** The tag key as IAM stores it (any letter case). */
  readonly tag: string;
  readonly value: string;
  readonly origin: ExemptionOrigin;
}

/** A sighting with its dates (ISO timestamps from the sweep's clock). */
export interface ExemptionSeen extends ExemptionSighting {
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** One item per user id, tag (as IAM compares keys) and value: a new value is a new exemption. */
export const exemptionKey = ({ userId, tag, value }: Pick<ExemptionSighting, 'userId' | 'tag' | 'value'>) =>
  `exemption#${userId}#${tag.toLowerCase()}=${value}`;

export const EXEMPTION_KEY_PREFIX = 'exemption#';

/** "decided in case X by Y" or "set by hand": the words every output uses for an origin. */
export function originText(origin: ExemptionOrigin): string {
  if (origin.by === 'case') return `decided in case ${origin.caseId} by ${origin.decidedBy}`;
  return origin.by === 'hand' ? 'set by hand' : 'origin not checked: the case table was not read';
}

/** The last moment a keep-until set by hand counts: maxKeepDays after its first sighting. */
export const handKeepEnds = (seen: ExemptionSeen, maxKeepDays: number) =>
  new Date(new Date(seen.firstSeen).getTime() + maxKeepDays * DAY_MS);

/** How an exemption's origin reads in a reason and a listing, with the cap of one set by hand. */
export function exemptionText(seen: ExemptionSeen, maxKeepDays: number): string {
  const origin = originText(seen.origin);
  if (seen.kind === 'protected' || seen.origin.by !== 'hand') return origin;
  return `${origin}, first seen ${seen.firstSeen.slice(0, 10)}, counts until ${handKeepEnds(seen, maxKeepDays).toISOString().slice(0, 10)} at most`;
}

/** One line per exemption (`report`, the sweep output, the weekly summary): who, which tag, from where. */
export function exemptionLine(seen: ExemptionSeen, maxKeepDays: number): string {
  const user = seen.accountId ? `${seen.accountId}/${seen.userName}` : seen.userName;
  const what =
    seen.kind === 'protected' ? `protected (tag ${seen.tag})` : `kept until ${seen.value} (tag ${seen.tag})`;
  return `${user}: ${what}, ${exemptionText(seen, maxKeepDays)}`;
}
