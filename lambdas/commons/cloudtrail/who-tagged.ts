import { DAY_MS } from '../runtime/time';
import { iamCallsOnUser } from './iam-calls';
import {
  HOME_REGION,
  LOOKUP_WINDOW_DAYS,
  type DetailedTrailEvent,
  type LookupDeps,
  type TrailIdentity,
} from './lookup';

/**
 * Who put a tag on a user, as CloudTrail records the TagUser call (IAM's calls land in us-east-1,
 * `requestParameters: {userName, tags: [{key, value}]}`) and the UntagUser call that takes it off
 * (`requestParameters: {userName, tagKeys}`). Tag keys and user names compare without regard to
 * case, as IAM's do. A protected tag found on a user whose case is under way was put there after
 * the case opened (a sweep never opens one for a protected user): the refusal it causes stands
 * whoever put it, and the record says who that was.
 */

/** One call of the window: when, and by whom. */
export interface TagCall {
  readonly at: string;
  readonly by?: string;
}

export type Tagging =
  /**
   * The latest call that set the tag: when, by whom, and whether the user tagged itself; `selfAt`,
   * an earlier call by the user itself that set it (its value rewritten since by another);
   * `removedSince`, an UntagUser of the key after that call (the call that put it back is not in
   * CloudTrail yet); `untagUnread`, why the UntagUser calls could not all be read.
   */
  | (TagCall & {
      readonly self: boolean;
      readonly selfAt?: string;
      readonly removedSince?: TagCall;
      readonly untagUnread?: string;
    })
  /** CloudTrail could not be read in full, so it cannot vouch for who did it. */
  | { readonly unread: string }
  /**
   * Read in full, and no call set it (CloudTrail records calls minutes late). `since`: the read
   * began later than asked, at the oldest day CloudTrail's event history still holds.
   */
  | { readonly noneSince: string }
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
  // LookupEvents holds the last 90 days: a window asked from before then is read from then on.
  const horizon = new Date(now.getTime() - LOOKUP_WINDOW_DAYS * DAY_MS);
  const since = input.since < horizon ? horizon : input.since;
  const { calls, cut } = await iamCallsOnUser('TagUser', { ...input, since }, access, now);
  const key = input.tagKey.toLowerCase();
  const settings = calls.filter((event) => keysOf(event, 'tags').includes(key));
  // The latest: the one whose value the user carries now.
  const tagging = settings.at(-1);
  if (!tagging) {
    if (cut)
      return {
        unread: `CloudTrail in ${HOME_REGION} could not be read in full for tags put on users (${cut})`,
      };
    return since > input.since ? { noneSince: since.toISOString() } : undefined;
  }
  const isSelf = (event: DetailedTrailEvent) => selfIdentity(event.identity, input.userId);
  const selfAt = isSelf(tagging) ? undefined : settings.find(isSelf)?.eventTime;
  const untags = await iamCallsOnUser(
    'UntagUser',
    { ...input, since: new Date(tagging.eventTime) },
    access,
    now,
  );
  const removal = untags.calls
    .filter((event) => event.eventTime > tagging.eventTime && keysOf(event, 'tagKeys').includes(key))
    .at(-1);
  return {
    ...callOf(tagging),
    self: isSelf(tagging),
    ...(selfAt ? { selfAt } : {}),
    ...(removal ? { removedSince: callOf(removal) } : {}),
    ...(untags.cut ? { untagUnread: untags.cut } : {}),
  };
}

const callOf = (event: DetailedTrailEvent): TagCall => ({
  at: event.eventTime,
  ...(event.identity.arn ? { by: event.identity.arn } : {}),
});

/**
 * Whether the caller is the user itself: its own IAM user identity (its keys, or a session token of
 * its own), or a session whose issuer is that user (GetFederationToken, which takes an IAM user's
 * long-term keys). Only the user's id counts: a role session can take any name.
 */
function selfIdentity(identity: TrailIdentity, userId: string): boolean {
  if (identity.type === 'IAMUser' && identity.principalId === userId) return true;
  const issuer = identity.sessionContext?.sessionIssuer;
  return issuer?.type === 'IAMUser' && issuer.principalId === userId;
}

/** The tag keys a TagUser (`tags: [{key}]`) or UntagUser (`tagKeys: [key]`) call names, lower-cased. */
function keysOf(event: DetailedTrailEvent, field: 'tags' | 'tagKeys'): string[] {
  const listed = event.requestParameters?.[field];
  if (!Array.isArray(listed)) return [];
  return listed
    .map((entry: unknown) =>
      field === 'tags' ? (entry as { key?: unknown } | null)?.key : (entry as unknown),
    )
    .filter((key): key is string => typeof key === 'string')
    .map((key) => key.toLowerCase());
}
