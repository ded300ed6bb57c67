import { wholeSeconds } from '../runtime/text';

/**
 * Which access key a credential report slot is. The report names slots 1 and 2 and no key ids; a
 * slot's `last_rotated` is its key's CreateDate, to the second. Two keys created in the same second
 * (a script, or a subject making its stale key look like its busy one) share that date, so the date
 * alone tied both slots to the first key: slot 2's case showed and acted on key 1. Here slots and
 * keys are paired one to one: by creation second first, then by what else the report says of each
 * slot (active, last used), and where two keys agree in all of it, in the order IAM lists them.
 * They are then alike in everything the verdict read, so either pairing states the same facts.
 */

/** What the report says of one slot. */
export interface ReportSlot {
  readonly slot: 1 | 2;
  readonly issuedAt: string | null;
  readonly active: boolean;
  /** The slot's last use (ISO), or null when never used. */
  readonly lastUsed: string | null;
}

/** A key as IAM lists it; `lastUsed` is read (GetAccessKeyLastUsed) only when dates tie. */
export interface LiveKey {
  readonly id: string;
  readonly createDate: string | null;
  readonly status: string;
  readonly lastUsed?: string | null;
}

const sameSecond = (a: string | null | undefined, b: string | null | undefined) =>
  a === b || (!!a && !!b && wholeSeconds(a) === wholeSeconds(b));

const dateMatches = (slot: ReportSlot, key: LiveKey) =>
  !!slot.issuedAt && !!key.createDate && sameSecond(slot.issuedAt, key.createDate);

/** How many of the slot's other facts the key agrees with (its last use only once it was read). */
function agreement(slot: ReportSlot, key: LiveKey): number {
  const status = (key.status === 'Active') === slot.active ? 1 : 0;
  const use = key.lastUsed !== undefined && sameSecond(key.lastUsed, slot.lastUsed) ? 1 : 0;
  return status + use;
}

/** True when some key's creation second is shared by another key: only then is more to be read. */
export function datesTie(keys: readonly LiveKey[]): boolean {
  return keys.some((key, index) =>
    keys.some((other, at) => at !== index && sameSecond(key.createDate, other.createDate)),
  );
}

/**
 * The key id of each slot, one key per slot at most: of every one-to-one pairing in which each
 * slot's date matches its key, the one agreeing most with the report; the first such in IAM's order.
 */
export function keysOfSlots(slots: readonly ReportSlot[], keys: readonly LiveKey[]): Map<1 | 2, string> {
  let best: { score: number; pairs: [ReportSlot, LiveKey][] } = { score: -1, pairs: [] };
  const visit = (index: number, pairs: [ReportSlot, LiveKey][], score: number) => {
    if (index === slots.length) {
      // More slots named beats a higher agreement: a slot is left out only when no key is its.
      const ranked = pairs.length * 10 + score;
      if (ranked > best.score) best = { score: ranked, pairs: [...pairs] };
      return;
    }
    const slot = slots[index]!;
    visit(index + 1, pairs, score);
    for (const key of keys)
      if (dateMatches(slot, key) && !pairs.some(([, taken]) => taken === key))
        visit(index + 1, [...pairs, [slot, key]], score + agreement(slot, key));
  };
  visit(0, [], 0);
  return new Map(best.pairs.map(([slot, key]) => [slot.slot, key.id]));
}

/**
 * One slot's key when the other slot is not known (a case the sweep handed no key id): the only
 * key of its creation second, or of several the one agreeing most with the slot. `tied` lists the
 * keys it cannot choose between.
 */
export function keyOfSlot(slot: ReportSlot, keys: readonly LiveKey[]): { key?: LiveKey; tied: LiveKey[] } {
  const dated = keys.filter((key) => dateMatches(slot, key));
  if (dated.length <= 1) return { ...(dated[0] ? { key: dated[0] } : {}), tied: [] };
  const top = Math.max(...dated.map((key) => agreement(slot, key)));
  const best = dated.filter((key) => agreement(slot, key) === top);
  return best.length === 1 ? { key: best[0]!, tied: [] } : { tied: best };
}
