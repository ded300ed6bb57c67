import {
  HOME_REGION,
  readTrail,
  type DetailedTrailEvent,
  type LookupDeps,
} from '../commons/cloudtrail/lookup';

/**
 * What CloudTrail holds about a quarantined user since the quarantine began: its events under every
 * name it held, and the places that could not be read. A rename is an UpdateUser call, which
 * CloudTrail records in us-east-1 with the old and the new name: an admin who renames the user,
 * lets it be tried under the new name and renames it back leaves its events under a name the case
 * never knew. Names compare without regard to case, as IAM's do; events are read under each name
 * exactly as CloudTrail recorded it.
 */

/** Each region reads at most this many events a name: more is flooding, and is a blind spot. */
const EVENTS_PER_REGION = 500;

export interface QuarantineTrail {
  readonly names: string[];
  readonly events: DetailedTrailEvent[];
  /** Where the read could not vouch for silence, in a person's words. */
  readonly blindSpots: string[];
}

export async function quarantineTrail(
  input: { readonly names: readonly string[]; readonly regions: readonly string[]; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<QuarantineTrail> {
  const deps = { ...access, maxEventsPerRegion: EVENTS_PER_REGION, now, since: input.since, keepGoing: true };
  const renames = await readTrail(
    { AttributeKey: 'EventName', AttributeValue: 'UpdateUser' },
    [HOME_REGION],
    deps,
  );
  const names = namesHeld(input.names, renames.events);
  const events: DetailedTrailEvent[] = [];
  const blindSpots = renames.unreadable.map(
    ({ error }) => `CloudTrail in ${HOME_REGION} could not be read for renames (${error})`,
  );
  for (const name of names) {
    const read = await readTrail({ AttributeKey: 'Username', AttributeValue: name }, input.regions, deps);
    events.push(...read.events);
    for (const { region, error } of read.unreadable)
      blindSpots.push(`CloudTrail in ${region} could not be read (${error})`);
    for (const region of read.truncated)
      blindSpots.push(
        `CloudTrail in ${region} holds more than ${EVENTS_PER_REGION} events named ${name}, more than a watch reads`,
      );
  }
  return { names, events, blindSpots: [...new Set(blindSpots)] };
}

/** The names reached from the known ones by the renames, in the order they were made. */
export function namesHeld(known: readonly string[], renames: readonly DetailedTrailEvent[]): string[] {
  const names = [...new Set(known)];
  const held = (name: unknown) =>
    typeof name === 'string' && names.some((known) => known.toLowerCase() === name.toLowerCase());
  const ordered = [...renames].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  for (const event of ordered) {
    const { userName, newUserName } = event.requestParameters ?? {};
    if (event.errorCode || !held(userName) || typeof newUserName !== 'string') continue;
    if (!names.includes(newUserName)) names.push(newUserName);
  }
  return names;
}

/** Who took a policy off the user, and when, as CloudTrail records the DetachUserPolicy call. */
export async function whoDetached(
  input: { readonly names: readonly string[]; readonly policyArn: string; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<{ readonly at: string; readonly by?: string } | undefined> {
  const deps = { ...access, maxEventsPerRegion: EVENTS_PER_REGION, now, since: input.since, keepGoing: true };
  const read = await readTrail(
    { AttributeKey: 'EventName', AttributeValue: 'DetachUserPolicy' },
    [HOME_REGION],
    deps,
  );
  const lower = input.names.map((name) => name.toLowerCase());
  const detach = read.events
    .filter((event) => !event.errorCode && event.requestParameters?.policyArn === input.policyArn)
    .filter((event) => lower.includes(String(event.requestParameters?.userName ?? '').toLowerCase()))
    .sort((a, b) => b.eventTime.localeCompare(a.eventTime))[0];
  return detach && { at: detach.eventTime, ...(detach.identity.arn ? { by: detach.identity.arn } : {}) };
}
