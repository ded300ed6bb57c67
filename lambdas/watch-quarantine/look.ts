import type { AccountClient } from '@aws-sdk/client-account';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { CaseRecord, QuarantineAttempt, QuarantineBreach } from '../commons/case/record';
import type { LookupDeps } from '../commons/cloudtrail/lookup';
import { readUser } from '../commons/iam/snapshot';
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
    holdsUndatedCredentials(live) || (record.snapshot ? holdsUndatedCredentials(record.snapshot) : false);
  const access = reader.trail;
  const { regions, blindSpots } = await watchedRegions(
    reader.config,
    { everyRegion, readBefore: quarantine.watchedRegions ?? [] },
    reader.account,
    now,
  );
  const known = [record.userName, live.userName];
  const trail = await quarantineTrail({ names: known, regions, since }, access, now);
  const breaches: QuarantineBreach[] = [...blindSpots, ...trail.blindSpots].map((detail) => ({
    kind: 'not-watched',
    detail,
  }));
  if (!denyAttached(live, quarantine)) {
    const detached = await whoDetached(
      { names: trail.names, policyArn: quarantine.policyArn, since },
      access,
      now,
    );
    breaches.unshift({
      kind: 'deny-detached',
      detail: `${quarantine.policyArn} is no longer attached to the user`,
      ...detached,
    });
  }
  if (record.snapshot) breaches.push(...permissionChanges(record.snapshot, live, quarantine));
  return { attempts: attemptsSince(live, trail.events, since), breaches, regions };
}
