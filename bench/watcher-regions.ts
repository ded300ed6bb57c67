import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { attemptsSince } from '../lambdas/watch-quarantine/attempts';
import { trailEventsIn } from '../lambdas/watch-quarantine/regions';
import type { SimAccount } from '../lib/sim/account';
import { defaultRegions } from '../lib/sim/standins/account-regions';
import { AwsStandin } from '../lib/sim/standins/aws-standin';

/**
 * One daily watch's reads, by what they grow with: the quarantined users, those of them holding
 * an SSH key or a service-specific credential (read in every enabled region), and the account's
 * size (which should not matter). Counted on the stand-in, never timed.
 */
export interface WatcherRegionsFigure {
  readonly accountUsers: number;
  readonly quarantined: number;
  /** Of the quarantined, those holding an SSH key or a service-specific credential. */
  readonly holdingUndated: number;
  readonly configuredRegions: number;
  readonly enabledRegions: number;
  readonly lookupEvents: number;
  readonly listRegions: number;
  readonly iamCalls: number;
}

const CREDENTIALS = { accessKeyId: 'AKIABENCHWATCHER0001', secretAccessKey: 'bench' };
const CONFIG = { cloudTrailRegions: ['eu-west-1'] };

/** One watch of `quarantined` users of the account, the first `holdingUndated` given an SSH key. */
async function watchOnce(
  build: () => SimAccount,
  quarantined: number,
  holdingUndated: number,
): Promise<WatcherRegionsFigure> {
  const account = build();
  const users = [...account.users.values()].slice(0, quarantined);
  users.slice(0, holdingUndated).forEach((user, index) => {
    user.sshPublicKeys.push({ id: `APKABENCH${String(index).padStart(11, '0')}`, status: 'Active' });
  });
  // The lookups are counted, not paced: CloudTrail's rate is the context bench's subject.
  const standin = new AwsStandin(account, { lookupsPerSecond: Number.MAX_SAFE_INTEGER });
  const url = await standin.start();
  const client = { endpoint: url, credentials: CREDENTIALS };
  const iam = new IAMClient({ ...client, region: 'us-east-1' });
  const trails = new Map<string, CloudTrailClient>();
  const trailFor = (region: string) =>
    trails.get(region) ?? trails.set(region, new CloudTrailClient({ ...client, region })).get(region)!;
  const accountApi = new AccountClient({ ...client, region: 'us-east-1' });
  const now = new Date();
  const read = trailEventsIn(
    CONFIG,
    { clientFor: trailFor, limiter: { run: (_region, call) => call() } },
    () => accountApi,
    now,
  );
  try {
    for (const user of users)
      await attemptsSince({
        iam,
        userName: user.userName,
        userId: user.userId,
        since: new Date(now.getTime() - 86_400_000),
        trailEventsSince: read,
      });
  } finally {
    for (const sdk of [iam, accountApi, ...trails.values()]) sdk.destroy();
    await standin.stop();
  }
  return {
    accountUsers: account.users.size,
    quarantined,
    holdingUndated,
    configuredRegions: 2,
    enabledRegions: defaultRegions().filter((region) => region.status !== 'DISABLED').length,
    lookupEvents: standin.callsOf('LookupEvents').length,
    listRegions: standin.callsOf('ListRegions').length,
    iamCalls: standin.calls.filter((call) => call.service === 'iam').length,
  };
}

/** The same watch in a small and a large account, with none, some and all quarantined users holding one. */
export async function benchWatcherRegions(
  account: (size: number) => SimAccount,
  log: (line: string) => void,
): Promise<WatcherRegionsFigure[]> {
  const figures: WatcherRegionsFigure[] = [];
  for (const size of [500, 5000])
    for (const [quarantined, holding] of [
      [10, 0],
      [10, 1],
      [10, 10],
      [20, 10],
    ] as const) {
      figures.push(await watchOnce(() => account(size), quarantined, holding));
      log(`watcher regions: ${JSON.stringify(figures.at(-1))}`);
    }
  return figures;
}
