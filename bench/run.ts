/**
 * npm run bench: iam-janitor at the IAM quota of 5,000 users, on the local stand-ins with per-call
 * latency, measured against a naive baseline and against the physical floors. Writes
 * bench/results.json and BENCHMARKS.md. Figures are never asserted by timed tests: machines are noisy.
 */
import { account, benchCredentials, benchInventory } from './inventory';
import { benchQuarantine } from './quarantine';
import { benchWatcherRegions } from './watcher-regions';
import './env';
import '../lib/sim/promise-with-resolvers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DAY_MS } from '../lambdas/commons/runtime/time';
import { handler as contextHandler } from '../lambdas/gather-context/handler';
import { handler as inventoryHandler } from '../lambdas/inventory/handler';
import { benchBundles } from './bundles';
import { handleSignedClicks } from './interactions';
import { benchOrganization } from './organization';
import { benchOrganizationScale } from './organization-scale';
import { benchmarksMarkdown, guardNote } from './report';
import { type BenchResults } from './figures';
import { candidateOf } from '../lib/sim/account';
import { Simulation } from '../lib/sim/engine';
import { runScenario } from '../lib/sim/run-scenario';
import { loadScenario } from '../lib/sim/scenario';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const ROOT = path.join(__dirname, '..');
const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
const PRICE_PER_TRANSITION = 0.025 / 1000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const BASE_CONFIG = {
  slackChannelId: 'C0SIMULATED',
  approverSlackUserIds: ['U0123ABCDEF'],
  slackTeamId: 'T0SIMULATED',
  jiraBaseUrl: 'http://127.0.0.1',
  jiraProjectKey: 'SEC',
};

/** The sweep state the inventory Lambda hands on, and the sweep's own transitions, at 5,000 users. */
async function benchSweepPayload() {
  const figures: Record<string, { bytes: number; transitions: number; halted: boolean; candidates: number }> =
    {};
  for (const [label, idle, fraction] of [
    ['5,000 users, 250 candidates (the most maxCasesPerRun allows)', 250, 1],
    ['5,000 users, 1,000 candidates (250 open, 750 wait)', 1000, 1],
    [`5,000 users, 1,000 candidates (${guardNote(1000, 5000, 0.15)})`, 1000, 0.15],
  ] as const) {
    const sim = new Simulation({
      account: account(5000, idle),
      config: { ...BASE_CONFIG, maxCasesPerRun: 250, maxCandidateFraction: fraction },
      standin: { faults: { latencyMs: 0 } },
    });
    await sim.start();
    const output = await inventoryHandler({ sweepId: 'bench', startedAt: new Date().toISOString() });
    const sweep = await sim.runSweep(new Date(), { startCases: false });
    await sim.stop();
    figures[label] = {
      bytes: Buffer.byteLength(JSON.stringify(output)),
      transitions: sweep.transitions,
      halted: output.halted,
      candidates: output.candidateCount,
    };
    log(`sweep payload (${label}): ${figures[label]!.bytes} bytes, ${sweep.transitions} transitions`);
  }
  return figures;
}

async function benchContext(candidates: number) {
  const built = account(candidates, candidates);
  for (const user of built.users.values()) {
    built.cloudTrail.push({
      region: 'us-east-1',
      username: user.userName,
      eventTime: ago(95),
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
    });
  }
  const sim = new Simulation({
    account: built,
    config: { ...BASE_CONFIG, cloudTrailRegions: [] },
    standin: { faults: { latencyMs: LATENCY_MS } },
  });
  await sim.start();
  const started = performance.now();
  const results = await Promise.allSettled(
    [...built.users.values()].map((user) =>
      contextHandler({
        caseId: `${user.userId}-bench`,
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:case:bench',
        candidate: candidateOf(user),
      }),
    ),
  );
  const ms = performance.now() - started;
  const lookups = sim.aws.callsOf('LookupEvents');
  const evidenceCalls = sim.aws.calls.filter((call) => call.service === 'iam' && !call.error).length;
  await sim.stop();
  const floorMs = (candidates / 2) * 1000;
  log(`context ${candidates}: ${Math.round(ms)} ms for ${lookups.length} lookups (floor ${floorMs} ms)`);
  return {
    candidates,
    lookups: lookups.length,
    ms: Math.round(ms),
    floorMs,
    ratioToFloor: ms / floorMs,
    throttledLookups: lookups.filter((call) => call.error).length,
    failedCases: results.filter((result) => result.status === 'rejected').length,
    iamCallsPerCase: evidenceCalls / candidates,
  };
}

async function benchCases() {
  const perOutcome: Record<string, { transitions: number; historyEvents: number }> = {};
  for (const file of ['demo-account', 'dry-run', 'quarantine']) {
    const detail = await runScenario(loadScenario(path.join(ROOT, 'examples', `${file}.json`)));
    for (const { run, record } of detail.cases) {
      const outcome = record?.outcome ?? 'unrecorded';
      const seen = perOutcome[outcome];
      if (!seen || run.transitions > seen.transitions)
        perOutcome[outcome] = { transitions: run.transitions, historyEvents: run.historyEvents };
    }
  }
  const worst = Math.max(...Object.values(perOutcome).map((figure) => figure.transitions));
  log(`cases: ${JSON.stringify(perOutcome)}`);
  return {
    perOutcome,
    largestHistoryEvents: Math.max(...Object.values(perOutcome).map((figure) => figure.historyEvents)),
    costPer1000Cases: worst * 1000 * PRICE_PER_TRANSITION,
  };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

async function benchInteractions(clicks: number) {
  const latencies = await handleSignedClicks(clicks, 50);
  const figures = {
    clicks,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    standinLatencyMs: 50,
  };
  log(`interactions: p50 ${figures.p50Ms.toFixed(0)} ms, p99 ${figures.p99Ms.toFixed(0)} ms`);
  return figures;
}

async function main() {
  const started = performance.now();

  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
    },
    latencyMs: LATENCY_MS,
    inventory: [await benchInventory(500, LATENCY_MS, log), await benchInventory(5000, LATENCY_MS, log)],
    credentials: await benchCredentials(5000, 1000, LATENCY_MS, log),
    sweep: await benchSweepPayload(),
    context: await benchContext(100),
    cases: await benchCases(),
    quarantine: await benchQuarantine(log),
    watcherRegions: await benchWatcherRegions((size) => account(size, 0), log),
    bundles: await benchBundles(),
    interactions: await benchInteractions(200),
    organization: await benchOrganization(50, 1000, 20, LATENCY_MS, log),
    organizationScale: await benchOrganizationScale(LATENCY_MS, log),
    totalSeconds: 0,
  };
  results.totalSeconds = Math.round((performance.now() - started) / 1000);
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(results));
  log(`wrote bench/results.json and BENCHMARKS.md in ${results.totalSeconds} s`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
