import { HOME_REGION, readTrail, type DetailedTrailEvent, type LookupDeps } from './lookup';

/** Each read holds at most this many calls of one name in the account: more is a blind spot. */
export const IAM_CALLS_READ = 500;

/**
 * The successful calls of one IAM action on a user since a date, as CloudTrail records them in
 * us-east-1 (`requestParameters.userName`, compared without regard to case, as IAM's names are),
 * oldest first; and, when not all of the account's calls could be read, why (`cut`): then
 * CloudTrail cannot vouch that there were no others.
 */
export async function iamCallsOnUser(
  eventName: string,
  input: { readonly names: readonly string[]; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<{ readonly calls: DetailedTrailEvent[]; readonly cut?: string }> {
  const read = await readTrail({ AttributeKey: 'EventName', AttributeValue: eventName }, [HOME_REGION], {
    ...access,
    maxEventsPerRegion: IAM_CALLS_READ,
    now,
    since: input.since,
    keepGoing: true,
  });
  const names = input.names.map((name) => name.toLowerCase());
  const calls = read.events
    .filter((event) => !event.errorCode)
    .filter((event) => names.includes(String(event.requestParameters?.userName ?? '').toLowerCase()))
    .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  const cut =
    read.unreadable[0]?.error ??
    (read.truncated.length > 0 ? `more than ${IAM_CALLS_READ} calls` : undefined);
  return { calls, ...(cut ? { cut } : {}) };
}
