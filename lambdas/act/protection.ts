import type { CaseRecord } from '../commons/case/record';
import type { Tagging } from '../commons/cloudtrail/who-tagged';
import { LOOKUP_WINDOW_DAYS } from '../commons/cloudtrail/lookup';
import { errorName, ProtectedUserError } from '../commons/runtime/errors';
import { formatTime } from '../commons/runtime/text';
import { DAY_MS } from '../commons/runtime/time';

/**
 * A refusal for the protected tag says who put the tag on. A sweep opens no case for a protected
 * user, so the tag came while the case was under way, and anyone who may tag the user can put it
 * there, the user included (THREATS.md): the refusal stands whoever did, because protection is
 * never second-guessed, but a user that protected itself to escape its removal is a finding in
 * its own right, and the record must show it rather than an ordinary refusal.
 */

export type TaggingLookup = (input: {
  readonly names: readonly string[];
  readonly userId: string;
  readonly tagKey: string;
  readonly since: Date;
}) => Promise<Tagging>;

/** The refusal with who put the protected tag on, or `error` as it was when it is another. */
export async function explainProtection(
  error: unknown,
  record: Pick<CaseRecord, 'userName' | 'userId' | 'openedAt' | 'quarantine'>,
  lookup: TaggingLookup,
): Promise<unknown> {
  if (!(error instanceof ProtectedUserError) || !error.tagKey) return error;
  // The sweep that opened the case ran within the day before it (it stops itself after 23 hours).
  const since = new Date(Date.parse(record.openedAt) - DAY_MS);
  const names = [record.userName, ...(record.quarantine?.renamedTo ? [record.quarantine.renamedTo] : [])];
  let tagging: Tagging;
  try {
    tagging = await lookup({ names, userId: record.userId, tagKey: error.tagKey, since });
  } catch (lookupError) {
    tagging = { unread: `CloudTrail could not be read (${errorName(lookupError)})` };
  }
  return new ProtectedUserError(`${error.message} ${taggingSentence(tagging, since)}`, error.tagKey);
}

function taggingSentence(tagging: Tagging, since: Date): string {
  if (tagging && 'noneSince' in tagging)
    return `CloudTrail shows no TagUser call that put it on in the ${LOOKUP_WINDOW_DAYS} days it keeps (since ${formatTime(tagging.noneSince)}; it records calls minutes late): who put it on is not known.`;
  if (!tagging)
    return `CloudTrail shows no TagUser call that put it on since ${formatTime(since.toISOString())} (it records calls minutes late): who put it on is not known.`;
  if ('unread' in tagging) return `Who put it on is not known: ${tagging.unread}.`;
  if (tagging.removedSince)
    return `Who put it on is not known: an UntagUser call at ${formatTime(tagging.removedSince.at)} took it off after the last TagUser call CloudTrail shows, and the call that put it back is not there yet.`;
  const by = tagging.by ?? 'an identity CloudTrail does not name';
  const unsure = tagging.untagUnread ? ` A later UntagUser call may be unread (${tagging.untagUnread}).` : '';
  if (tagging.self)
    return `The user protected itself: it put the tag on with its own credentials at ${formatTime(tagging.at)} (CloudTrail's TagUser call). The tag is honoured; review why this user may tag itself.${unsure}`;
  if (tagging.selfAt)
    return `The user protected itself (its own TagUser call at ${formatTime(tagging.selfAt)}); ${by} set the value again at ${formatTime(tagging.at)}. Review why it may tag itself.${unsure}`;
  return `It was put on by ${by} at ${formatTime(tagging.at)} (CloudTrail's TagUser call).${unsure}`;
}
