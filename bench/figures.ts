import type { QuarantineFigure } from './quarantine';
import type { WatcherRegionsFigure } from './watcher-regions';
import type { OrganizationFigures } from './organization';
import type { OrganizationScaleFigures } from './organization-scale';

/** The figures `npm run bench` measures, and BENCHMARKS.md written from them against the targets. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  latencyMs: number;
  inventory: {
    users: number;
    inactive: number;
    calls: number;
    ms: number;
    baselineCalls: number;
    baselineMs: number;
    callRatio: number;
    timeRatio: number;
  }[];
  credentials: {
    users: number;
    staleKeys: number;
    calls: number;
    ms: number;
    casesOpened: number;
    backlog: number;
  };
  sweep: Record<string, { bytes: number; transitions: number; halted: boolean; candidates: number }>;
  context: {
    candidates: number;
    lookups: number;
    ms: number;
    floorMs: number;
    ratioToFloor: number;
    throttledLookups: number;
    failedCases: number;
    /** IAM calls to gather one case's evidence, SSH keys and service-specific credentials included. */
    iamCallsPerCase: number;
  };
  cases: {
    perOutcome: Record<string, { transitions: number; historyEvents: number }>;
    largestHistoryEvents: number;
    costPer1000Cases: number;
  };
  /** One silent quarantined case, for 0 (no quarantine), 14 and 90 days. */
  quarantine: QuarantineFigure[];
  /** One daily watch's reads, by quarantined users, those holding undated credentials, and account size. */
  watcherRegions: WatcherRegionsFigure[];
  /** Every function's bundle, and `reference`, the yardstick of cold load. */
  bundles: Record<string, BundleFigure>;
  interactions: { clicks: number; p50Ms: number; p99Ms: number; standinLatencyMs: number };
  organization: OrganizationFigures;
  /** The organization sweep alone at 500 and 5,000 accounts (accountConcurrency 10), and 5,000 at 40. */
  organizationScale?: OrganizationScaleFigures[];
  totalSeconds: number;
}

export interface BundleFigure {
  bytes: number;
  /** Median time to require the bundle in a fresh Node process. */
  coldLoadMs: number;
  /** Median of the per-round ratios to the reference bundle, and their range. */
  ratio: number;
  ratioSpread: [number, number];
}

/** The Slack-facing function answers within Slack's 3 seconds, cold or not: a tighter target. */
const COLD_TARGETS: Record<string, number> = { 'slack-interactions': 1.25 };
export const coldTarget = (name: string) => COLD_TARGETS[name] ?? 1.5;

export const mark = (met: boolean) => (met ? '✅ met' : '❌ **missed**');
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
