import {
  HOME_REGION,
  readTrail,
  type DetailedTrailEvent,
  type LookupDeps,
  type TrailRead,
} from '../commons/cloudtrail/lookup';
import { iamCallsOnUser } from '../commons/cloudtrail/iam-calls';
import { formatTime } from '../commons/runtime/text';

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

/** A watch's reads: since the quarantine began, capped, and going on past a region that fails. */
const watchDeps = (access: Pick<LookupDeps, 'clientFor' | 'limiter'>, since: Date, now: Date) => ({
  ...access,
  maxEventsPerRegion: EVENTS_PER_REGION,
  now,
  since,
  keepGoing: true,
});

/** Where a read could not vouch for silence: `reading` says what was read, `held` what was too many. */
function blindSpotsOf(read: TrailRead, reading: string, held: string): string[] {
  return [
    ...read.unreadable.map(
      ({ region, error }) => `CloudTrail in ${region} could not be read${reading} (${error})`,
    ),
    ...read.truncated.map(
      (region) =>
        `CloudTrail in ${region} holds more than ${EVENTS_PER_REGION} ${held}, more than a watch reads`,
    ),
  ];
}

export async function quarantineTrail(
  input: { readonly names: readonly string[]; readonly regions: readonly string[]; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<QuarantineTrail> {
  const deps = watchDeps(access, input.since, now);
  const renames = await readTrail(
    { AttributeKey: 'EventName', AttributeValue: 'UpdateUser' },
    [HOME_REGION],
    deps,
  );
  const names = namesHeld(input.names, renames.events);
  const events: DetailedTrailEvent[] = [];
  // More renames in the account than a watch reads: one of them may be this user's.
  const blindSpots = blindSpotsOf(renames, ' for renames', 'renames since the quarantine began');
  for (const name of names) {
    const read = await readTrail({ AttributeKey: 'Username', AttributeValue: name }, input.regions, deps);
    events.push(...read.events);
    blindSpots.push(...blindSpotsOf(read, '', `events named ${name}`));
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

/**
 * Who took a policy off the user, and when, as CloudTrail records the DetachUserPolicy call: the
 * first such call since the quarantine began, also when someone put the policy back since (the
 * user was not denied everything in between). `unread`: CloudTrail could not vouch for none.
 */
export async function whoDetached(
  input: { readonly names: readonly string[]; readonly policyArn: string; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<{ readonly at: string; readonly by?: string } | { readonly unread: string } | undefined> {
  const { calls, cut } = await iamCallsOnUser('DetachUserPolicy', input, access, now);
  // The first: from then on the user was not denied everything, whatever came after.
  const detach = calls.find((event) => event.requestParameters?.policyArn === input.policyArn);
  const unread = `CloudTrail in ${HOME_REGION} could not be read in full for policies taken off users (${cut})`;
  if (detach && !cut)
    return { at: detach.eventTime, ...(detach.identity.arn ? { by: detach.identity.arn } : {}) };
  // Read newest first and cut: the first call read may come after the first one made.
  if (detach)
    return {
      unread: `${unread}; the earliest call it read that took it off was by ${detach.identity.arn ?? 'an identity CloudTrail does not name'} at ${formatTime(detach.eventTime)}, and an earlier one may be among those not read`,
    };
  // Not among what was read, and not all could be read: CloudTrail cannot vouch for none.
  return cut ? { unread } : undefined;
}
