import { paginateListRegions, type AccountClient } from '@aws-sdk/client-account';
import { paginateListSSHPublicKeys, type IAMClient } from '@aws-sdk/client-iam';
import { paginateServiceSpecificCredentials } from '../commons/iam/service-credentials';
import {
  lookupRegions,
  userEventsSince,
  type LookupDeps,
  type TrailEvent,
} from '../commons/cloudtrail/lookup';

/**
 * Where the watcher reads a quarantined user's CloudTrail events. An access key's and the
 * password's attempts are dated by IAM wherever they happen, so the configured regions suffice
 * (us-east-1 and `cloudTrailRegions`). An SSH key or a service-specific credential has no last
 * use: CloudTrail is its only witness, and only in the region it was tried in, so a user holding
 * one is read in every region enabled for the account. The cost grows with such users, not with
 * the account.
 */

/** Every region the account may be called in: opted in, or enabled by default (Account API). */
export async function enabledRegions(account: AccountClient): Promise<string[]> {
  const regions: string[] = [];
  const pages = paginateListRegions(
    { client: account, pageSize: 50 },
    { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] },
  );
  for await (const page of pages)
    for (const region of page.Regions ?? []) if (region.RegionName) regions.push(region.RegionName);
  return regions;
}

/**
 * True when the user holds an SSH key or a service-specific credential, in any status: an
 * inactive one can be turned on again, used and turned off between two watches.
 */
export async function holdsUndatedCredentials(iam: IAMClient, userName: string): Promise<boolean> {
  for await (const page of paginateListSSHPublicKeys({ client: iam }, { UserName: userName }))
    if ((page.SSHPublicKeys ?? []).length > 0) return true;
  for await (const page of paginateServiceSpecificCredentials(iam, userName))
    if (page.length > 0) return true;
  return false;
}

/**
 * One watch asks each account once, however many of its users hold such credentials; a later
 * watch asks again, so that a region enabled since is read.
 */
const REGIONS_FRESH_MS = 10 * 60_000;
const listed = new WeakMap<AccountClient, { readonly at: number; readonly regions: Promise<string[]> }>();

function enabledRegionsOnce(account: AccountClient, now: Date): Promise<string[]> {
  const known = listed.get(account);
  if (known && Math.abs(now.getTime() - known.at) < REGIONS_FRESH_MS) return known.regions;
  const regions = enabledRegions(account);
  listed.set(account, { at: now.getTime(), regions });
  // A failed listing is not kept: the next user's watch asks again.
  regions.catch(() => listed.delete(account));
  return regions;
}

/** The regions to read: the configured ones, and every enabled one for a user with undated credentials. */
export async function watchedRegions(
  config: { readonly cloudTrailRegions: readonly string[] },
  everyRegion: boolean,
  account: () => AccountClient,
  now: Date,
): Promise<string[]> {
  const configured = lookupRegions(config);
  if (!everyRegion) return configured;
  return [...new Set([...configured, ...(await enabledRegionsOnce(account(), now))])];
}

/** The watcher's CloudTrail reader: the user's events since a date, in the regions above. */
export function trailEventsIn(
  config: { readonly cloudTrailRegions: readonly string[] },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
  account: () => AccountClient,
  now: Date,
) {
  return async (userName: string, since: Date, everyRegion: boolean): Promise<readonly TrailEvent[]> => {
    const regions = await watchedRegions(config, everyRegion, account, now);
    // lookupRegions keeps us-east-1 first and each region once: the list is read as given.
    return (await userEventsSince({ cloudTrailRegions: regions }, access)(userName, since, now)).recentEvents;
  };
}
