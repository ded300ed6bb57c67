/** The inventory at the IAM quota: its calls against a naive baseline, and the stale keys of active users. */
import {
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  type User,
} from '@aws-sdk/client-iam';
import { performance } from 'node:perf_hooks';
import { mapWithConcurrency } from '../lambdas/commons/runtime/concurrency';
import { PatientRetryStrategy } from '../lambdas/commons/runtime/retry';
import { DAY_MS } from '../lambdas/commons/runtime/time';
import { runInventory } from '../lambdas/inventory/inventory';
import type { SimAccount } from '../lib/sim/account';
import { generateScenario } from '../lib/sim/generate';
import { buildAccount } from '../lib/sim/scenario-accounts';
import { AwsStandin } from '../lib/sim/standins/aws-standin';

const ago = (days: number) => new Date(Date.now() - days * DAY_MS);

/** The inventory's settings in every figure here: a 45-day threshold, nobody exempt, no fraction guard. */
const policy = (maxCasesPerRun: number) => ({
  thresholdDays: 45,
  protectedTagKey: 'iam-janitor:protected',
  keepUntilTagKey: 'iam-janitor:keep-until',
  maxKeepDays: 365,
  exemptUserNames: [],
  exemptPathPrefixes: [],
  maxCasesPerRun,
  maxCandidateFraction: 1,
  credentialCases: true,
});

/** The generated large account (lib/sim/generate.ts), `idle` of its `size` users unused for 100 days. */
export function account(size: number, idle: number): SimAccount {
  const scenario = generateScenario({
    users: size,
    inactiveFraction: idle / size,
    now: new Date().toISOString(),
  });
  return buildAccount(scenario);
}

const iamAt = (url: string) =>
  new IAMClient({ endpoint: url, region: 'us-east-1', retryStrategy: new PatientRetryStrategy(10, 50) });
const iamCalls = (standin: AwsStandin) => standin.calls.filter((call) => call.service === 'iam').length;

/** What a tool without the credential report does: every user, one by one. */
async function naiveInventory(iam: IAMClient): Promise<number> {
  const users: User[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListUsersCommand({ Marker: marker }));
    users.push(...(page.Users ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  let idle = 0;
  await mapWithConcurrency(users, 8, async (user) => {
    await iam.send(new GetUserCommand({ UserName: user.UserName! }));
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: user.UserName! }));
    let last = 0;
    for (const key of keys.AccessKeyMetadata ?? []) {
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
      last = Math.max(last, used.AccessKeyLastUsed?.LastUsedDate?.getTime() ?? 0);
    }
    if (Date.now() - last >= 45 * DAY_MS) idle++;
  });
  return idle;
}

/** The inventory of `size` users, a tenth of them idle, against the baseline on the same account. */
export async function benchInventory(size: number, latencyMs: number, log: (line: string) => void) {
  const idle = size / 10;
  const ours = new AwsStandin(account(size, idle), { faults: { latencyMs } });
  await ours.start();
  let started = performance.now();
  const result = await runInventory({
    iam: iamAt(ours.url),
    policy: policy(100),
    now: new Date(),
    report: { pollIntervalMs: 100 },
  });
  const oursMs = performance.now() - started;
  const oursCalls = iamCalls(ours);
  await ours.stop();

  const naive = new AwsStandin(account(size, idle), { faults: { latencyMs } });
  await naive.start();
  started = performance.now();
  const naiveIdle = await naiveInventory(iamAt(naive.url));
  const naiveMs = performance.now() - started;
  const naiveCalls = iamCalls(naive);
  await naive.stop();
  const found = result.candidates.length + result.backlog.length;
  if (naiveIdle !== found) throw new Error(`baseline found ${naiveIdle} idle users, iam-janitor ${found}`);
  log(
    `inventory ${size}: ${oursCalls} calls in ${Math.round(oursMs)} ms; baseline ${naiveCalls} calls in ${Math.round(naiveMs)} ms`,
  );
  return {
    users: size,
    inactive: idle,
    calls: oursCalls,
    ms: Math.round(oursMs),
    baselineCalls: naiveCalls,
    baselineMs: Math.round(naiveMs),
    callRatio: naiveCalls / oursCalls,
    timeRatio: naiveMs / oursMs,
  };
}

/**
 * CIS AWS Foundations v3.0.0 1.12 at the quota: 5,000 users, all active, 1,000 of them with a second access key unused for
 * 100 days. Every credential is judged from the report; only the facts of the users with a stale key
 * cost calls, by pages of GetAccountAuthorizationDetails.
 */
export async function benchCredentials(
  size: number,
  stale: number,
  latencyMs: number,
  log: (line: string) => void,
) {
  const built = account(size, 0);
  let index = 0;
  for (const user of built.users.values()) {
    if (index++ >= stale) break;
    user.accessKeys.push({
      id: `AKIASTALE${String(index).padStart(11, '0')}`,
      status: 'Active',
      createDate: ago(300),
      lastUsedDate: ago(100),
    });
  }
  const maxCasesPerRun = 25;
  const standin = new AwsStandin(built, { faults: { latencyMs } });
  await standin.start();
  const started = performance.now();
  const result = await runInventory({
    iam: iamAt(standin.url),
    policy: policy(maxCasesPerRun),
    now: new Date(),
    report: { pollIntervalMs: 100 },
  });
  const ms = performance.now() - started;
  const calls = iamCalls(standin);
  await standin.stop();
  const staleFound = [...result.candidates, ...result.backlog].filter(
    (candidate) => candidate.kind === 'credential',
  ).length;
  if (staleFound !== stale) throw new Error(`expected ${stale} stale keys, found ${staleFound}`);
  log(
    `credentials ${size}/${stale}: ${calls} calls in ${Math.round(ms)} ms, ${result.candidates.length} cases opened`,
  );
  return {
    users: size,
    staleKeys: stale,
    calls,
    ms: Math.round(ms),
    casesOpened: result.candidates.length,
    backlog: result.backlog.length,
  };
}
