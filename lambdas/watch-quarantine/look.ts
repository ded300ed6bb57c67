import type { AccountClient } from '@aws-sdk/client-account';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { CaseRecord, QuarantineAttempt, QuarantineBreach } from '../commons/case/record';
import type { LookupDeps } from '../commons/cloudtrail/lookup';
import { readUser, type Snapshot } from '../commons/iam/snapshot';
import { attemptsSince } from './attempts';
import { denyAttached, permissionChanges } from '../commons/case/quarantine-changes';
import { holdsUndatedCredentials, watchedRegions } from './regions';
import { quarantineTrail, whoDetached } from './trail';

/**
 * One day's look at a quarantined user: the attempts on its credentials, and the breaches of the
 * quarantine (its deny taken off, its permissions changed, a place that could not be read).
 */
export async function lookAt(
  record: Pick<CaseRecord, 'userName' | 'snapshot' | 'quarantine'>,
  reader: {
    readonly iam: IAMClient;
    readonly trail: Pick<LookupDeps, 'clientFor' | 'limiter'>;
    readonly account: () => AccountClient;
    readonly config: { readonly cloudTrailRegions: readonly string[] };
    /** The user's name now (its id checked by the caller). */
    readonly userName: string;
  },
  now: Date,
): Promise<{ attempts: QuarantineAttempt[]; breaches: QuarantineBreach[]; regions: string[] }> {
  const quarantine = record.quarantine!;
  const since = new Date(quarantine.startedAt);
  const live = await readUser(reader.iam, reader.userName, now);
  const everyRegion =
    holdsUndatedCredentials(live) || (record.snapshot ? undatedOrGone(record.snapshot, live) : false);
  const { regions, blindSpots } = await watchedRegions(
    reader.config,
    { everyRegion, readBefore: quarantine.watchedRegions ?? [] },
    reader.account,
    now,
  );
  const known = [record.userName, live.userName];
  const trail = await quarantineTrail({ names: known, regions, since }, reader.trail, now);
  const breaches: QuarantineBreach[] = [...blindSpots, ...trail.blindSpots].map((detail) => ({
    kind: 'not-watched',
    detail,
  }));
  breaches.unshift(
    ...(await denyBreaches(live, quarantine, { names: trail.names, since }, reader.trail, now)),
  );
  if (record.snapshot) breaches.push(...permissionChanges(record.snapshot, live, quarantine));
  return { attempts: attemptsSince(live, trail.events, since), breaches, regions };
}

/**
 * The deny's breaches: off now, or taken off and put back since the quarantine began (CloudTrail's
 * DetachUserPolicy), either way a time the user was not denied everything.
 */
async function denyBreaches(
  live: Snapshot,
  quarantine: NonNullable<CaseRecord['quarantine']>,
  user: { readonly names: readonly string[]; readonly since: Date },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  now: Date,
): Promise<QuarantineBreach[]> {
  const detached = await whoDetached({ ...user, policyArn: quarantine.policyArn }, access, now);
  const attached = denyAttached(live, quarantine);
  if (detached && 'unread' in detached) {
    const blind: QuarantineBreach = { kind: 'not-watched', detail: detached.unread };
    const off: QuarantineBreach = {
      kind: 'deny-detached',
      detail: `${quarantine.policyArn} is no longer attached to the user; who took it off is not known (${detached.unread})`,
    };
    return attached ? [blind] : [off, blind];
  }
  if (attached && !detached) return [];
  return [
    {
      kind: 'deny-detached',
      detail: attached
        ? `${quarantine.policyArn} was taken off the user and has been put back since`
        : `${quarantine.policyArn} is no longer attached to the user`,
      ...(attached ? { putBack: true } : {}),
      ...detached,
    },
  ];
}

/**
 * The snapshot's undated credentials, or a credential it held that is gone now: an access key
 * deleted after it was tried leaves no last use, so only CloudTrail, in the region it was tried
 * in, still knows.
 */
function undatedOrGone(snapshot: Snapshot, live: Snapshot): boolean {
  const liveKeys = new Set(live.accessKeys.map((key) => key.id));
  return holdsUndatedCredentials(snapshot) || snapshot.accessKeys.some((key) => !liveKeys.has(key.id));
}
