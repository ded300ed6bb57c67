import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { readUser } from '../lambdas/commons/iam/snapshot';
import { denyAllPolicyArn } from '../lambdas/commons/iam/tags';
import { lookAt } from '../lambdas/watch-quarantine/look';
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
  const now = new Date('2026-12-01T10:00:00Z');
  const reader = {
    iam,
    trail: { clientFor: trailFor, limiter: { run: <T>(_region: string, call: () => Promise<T>) => call() } },
    account: () => accountApi,
    config: CONFIG,
  };
  try {
    // The users as quarantined yesterday, each with its snapshot taken then: not the watch's reads.
    const startedAt = new Date(now.getTime() - 86_400_000).toISOString();
    const records = [];
    for (const user of users) {
      const snapshot = await readUser(iam, user.userName, now);
      user.managedPolicies.push(denyAllPolicyArn(user.arn));
      const quarantine = { startedAt, policyArn: denyAllPolicyArn(user.arn) };
      records.push({ userName: user.userName, snapshot, quarantine } as unknown as Parameters<
        typeof lookAt
      >[0]);
    }
    standin.calls.splice(0);
    for (const record of records) await lookAt(record, { ...reader, userName: record.userName }, now);
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
