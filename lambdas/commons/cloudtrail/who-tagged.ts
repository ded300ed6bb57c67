import { iamCallsOnUser } from './iam-calls';
import { HOME_REGION, type DetailedTrailEvent, type LookupDeps } from './lookup';

/**
 * Who put a tag on a user, as CloudTrail records the TagUser call (IAM's calls land in us-east-1,
 * `requestParameters: {userName, tags: [{key, value}]}`). Tag keys and user names compare without
 * regard to case, as IAM's do. A protected tag found on a user whose case is under way was put
 * there after the case opened (a sweep never opens one for a protected user): the refusal it
 * causes stands whoever put it, and the record says who that was.
 */

export type Tagging =
  /** The latest call that set the tag: when, by whom, and whether the user tagged itself. */
  | { readonly at: string; readonly by?: string; readonly self: boolean }
  /** CloudTrail could not be read in full, so it cannot vouch for who did it. */
  | { readonly unread: string }
  /** Read in full, and no call set it (CloudTrail records calls minutes late). */
  | undefined;

export async function whoTagged(
  input: {
    readonly names: readonly string[];
    readonly userId: string;
    readonly tagKey: string;
    readonly since: Date;
  },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<Tagging> {
  const { calls, cut } = await iamCallsOnUser('TagUser', input, access, now);
  const key = input.tagKey.toLowerCase();
  // The latest: the one whose value the user carries now.
  const tagging = calls.filter((event) => tagKeysOf(event).includes(key)).at(-1);
  if (tagging)
    return {
      at: tagging.eventTime,
      ...(tagging.identity.arn ? { by: tagging.identity.arn } : {}),
      // Only an IAM user's identity with the user's own id is the user: a role session can take any name.
      self: tagging.identity.type === 'IAMUser' && tagging.identity.principalId === input.userId,
    };
  return cut
    ? { unread: `CloudTrail in ${HOME_REGION} could not be read in full for tags put on users (${cut})` }
    : undefined;
}

/** The tag keys a TagUser call wrote, lower-cased. */
function tagKeysOf(event: DetailedTrailEvent): string[] {
  const tags = event.requestParameters?.tags;
  if (!Array.isArray(tags)) return [];
  return tags
    .map((tag: unknown) => (tag as { key?: unknown } | null)?.key)
    .filter((key): key is string => typeof key === 'string')
    .map((key) => key.toLowerCase());
}
