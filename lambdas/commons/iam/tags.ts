/**
 * A user's tags, found the way IAM finds them. IAM keeps one tag per key without regard to case
 * ("Tag key-value pairs are not case sensitive, but case is preserved": a user cannot hold both
 * `Department` and `department`), and its condition keys `aws:ResourceTag/<key>` and
 * `iam:ResourceTag/<key>` match the key in any case. So the role's Deny treats
 * `IAM-Janitor:Protected` as the protected tag, and every rule in the code must too: a lookup by
 * exact key would let a user the Deny protects become a candidate, and be deleted through the
 * steps the Deny cannot cover (group memberships, MFA devices).
 */

export type Tags = Readonly<Record<string, string>>;

const fold = (key: string) => key.toLowerCase();

/** The stored key that IAM matches to `key`, whatever its case. */
export function tagKeyOf(tags: Tags, key: string): string | undefined {
  const wanted = fold(key);
  return Object.keys(tags).find((stored) => fold(stored) === wanted);
}

/** The value of the tag IAM matches to `key`. */
export function tagValue(tags: Tags, key: string): string | undefined {
  const stored = tagKeyOf(tags, key);
  return stored === undefined ? undefined : tags[stored];
}

export const hasTag = (tags: Tags, key: string): boolean => tagKeyOf(tags, key) !== undefined;

/** Whether any tag key starts with the prefix, compared as IAM compares keys. */
export function hasTagWithPrefix(tags: Tags, prefix: string): boolean {
  const wanted = fold(prefix);
  return Object.keys(tags).some((stored) => fold(stored).startsWith(wanted));
}

/**
 * The tag the remover writes on a virtual MFA device before deactivating it, valued with the user
 * id: once deactivated, IAM no longer names the device's user, and this tag is then the only proof
 * that an unassigned device is the one taken from this user (and not a namesake created since).
 */
export const MFA_OWNER_TAG_KEY = 'iam-janitor:deactivated-for';

/**
 * How the remover records a tag it wrote, among the steps a case keeps (`removed`): the inventory
 * finds a marker's decision by it, since anyone who may tag the user can write the same tag.
 */
export const markerWrite = (key: string, value: string) => `tag ${key}=${value}`;

/** The tag Disable writes, valued with the time: the user was disabled by iam-janitor then. */
export const DISABLED_AT_TAG_KEY = 'iam-janitor:disabled-at';

/**
 * The tags a quarantine writes on the user: when it began and when the deletion is due, so that
 * anyone who looks at the user in the console sees why it is denied everything and until when.
 */
export const QUARANTINE_STARTED_TAG_KEY = 'iam-janitor:quarantined-at';
export const QUARANTINE_ENDS_TAG_KEY = 'iam-janitor:quarantine-ends';

/**
 * The deny policy of a quarantine: AWS's managed AWSDenyAll (`Deny * on *`), in the user's partition.
 * A managed policy rather than an inline one, so that the remover's grant can name it exactly
 * (`iam:PolicyARN`): PutUserPolicy cannot be limited to one document, and would let the role grant
 * anything.
 */
export function denyAllPolicyArn(userArn: string): string {
  const partition = /^arn:([\w-]+):/.exec(userArn)?.[1] ?? 'aws';
  return `arn:${partition}:iam::aws:policy/AWSDenyAll`;
}
