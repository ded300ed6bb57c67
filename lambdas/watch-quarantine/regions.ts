import { paginateListRegions, type AccountClient } from '@aws-sdk/client-account';
import { lookupRegions } from '../commons/cloudtrail/lookup';
import type { Snapshot } from '../commons/iam/snapshot';

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
 * inactive one can be turned on again, used and turned off between two watches. Asked of the
 * snapshot taken before the quarantine and of the live user, so that a credential deleted after
 * it was tried still sends the watch to every region.
 */
export const holdsUndatedCredentials = (
  user: Pick<Snapshot, 'sshPublicKeys' | 'serviceSpecificCredentials'>,
) => user.sshPublicKeys.length > 0 || user.serviceSpecificCredentials.length > 0;

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

/**
 * The regions to read: the configured ones, and for a user with undated credentials every enabled
 * one and every one an earlier watch read. A region read before and no longer enabled cannot be
 * read again (AWS refuses calls to a disabled region): it is a blind spot, never a silence.
 */
export async function watchedRegions(
  config: { readonly cloudTrailRegions: readonly string[] },
  input: { readonly everyRegion: boolean; readonly readBefore: readonly string[] },
  account: () => AccountClient,
  now: Date,
): Promise<{ readonly regions: string[]; readonly blindSpots: string[] }> {
  const configured = lookupRegions(config);
  if (!input.everyRegion && input.readBefore.every((region) => configured.includes(region)))
    return { regions: configured, blindSpots: [] };
  const enabled = await enabledRegionsOnce(account(), now);
  const lost = input.readBefore.filter((region) => !configured.includes(region) && !enabled.includes(region));
  return {
    regions: [...new Set([...configured, ...enabled])],
    blindSpots: lost.map(
      (region) =>
        `${region}, read on an earlier watch, is no longer enabled, so an attempt made there can no longer be read`,
    ),
  };
}
