import type { OrganizationFigures } from './organization';
import type { OrganizationScaleFigures } from './organization-scale';
import { coldTarget, kb, type BenchResults } from './figures';

/** A row of BENCHMARKS.md's targets: the figure, its target, what was measured, and whether it met it. */
export type Target = [string, string, string, boolean];

/** Every target, in the order BENCHMARKS.md lists them. */
export function targets(results: BenchResults): Target[] {
  return [
    ...inventoryTargets(results),
    ...caseTargets(results),
    ...lambdaTargets(results),
    ...organizationTargets(results),
    [
      'Interactions p99',
      '≤ 1 s (Slack allows 3 s)',
      `p50 ${results.interactions.p50Ms.toFixed(0)} ms, p99 ${results.interactions.p99Ms.toFixed(0)} ms`,
      results.interactions.p99Ms <= 1000,
    ],
  ];
}

/** What the sweep and the context step cost in IAM and CloudTrail calls. */
function inventoryTargets(results: BenchResults): Target[] {
  const big = results.inventory.find((entry) => entry.users === 5000)!;
  return [
    [
      'IAM calls, 5,000-user inventory (10% idle)',
      `≤ 5 + ${big.inactive} and ≥ 50× fewer than the baseline`,
      `${big.calls} calls; baseline ${big.baselineCalls} (${big.callRatio.toFixed(0)}× fewer)`,
      big.calls <= 5 + big.inactive && big.callRatio >= 50,
    ],
    [
      'IAM calls, 5,000 active users with 1,000 stale keys (CIS AWS Foundations v3.0.0 1.12)',
      `≤ 5 + C (C = ${results.credentials.casesOpened} cases opened)`,
      `${results.credentials.calls} calls; ${results.credentials.casesOpened} credential cases opened, ${results.credentials.backlog} waiting`,
      results.credentials.calls <= 5 + results.credentials.casesOpened,
    ],
    [
      'Context, 100 candidates in one region',
      'within 1.25× of the 2 lookups/s floor, 0 failed cases',
      `${(results.context.ms / 1000).toFixed(1)} s vs ${(results.context.floorMs / 1000).toFixed(0)} s floor (${results.context.ratioToFloor.toFixed(2)}×), ${results.context.throttledLookups} throttled, ${results.context.failedCases} failed`,
      results.context.ratioToFloor <= 1.25 && results.context.failedCases === 0,
    ],
  ];
}

/** What a case costs in transitions, and the largest sweep state. */
function caseTargets(results: BenchResults): Target[] {
  const largestSweep = Math.max(...Object.values(results.sweep).map((figure) => figure.bytes));
  const worstTransitions = Math.max(
    ...Object.values(results.cases.perOutcome).map((figure) => figure.transitions),
  );
  const quarantined = results.quarantine.filter((figure) => figure.days > 0);
  const flat = quarantined.every((figure) => figure.transitions === quarantined[0]!.transitions);
  return [
    [
      'State transitions per case',
      '≤ 15 for every outcome',
      `at most ${worstTransitions}`,
      worstTransitions <= 15,
    ],
    [
      'Cost per 1,000 cases',
      'stated',
      `$${results.cases.costPer1000Cases.toFixed(3)} (worst outcome, $0.025 per 1,000 transitions)`,
      true,
    ],
    [
      'Transitions of a quarantined case, 14 against 90 days',
      'the same: nothing polls inside the execution',
      quarantined.map((figure) => `${figure.days} days: ${figure.transitions}`).join('; '),
      flat,
    ],
    [
      'Largest sweep payload at 5,000 users',
      '≤ 192 KB (¾ of the 256 KB limit)',
      kb(largestSweep),
      largestSweep <= 192 * 1024,
    ],
  ];
}

/** Every function's bundle size and cold load. */
function lambdaTargets(results: BenchResults): Target[] {
  const functions = Object.entries(results.bundles).filter(([name]) => name !== 'reference');
  const biggestBundle = Math.max(...functions.map(([, figure]) => figure.bytes));
  const overTarget = functions.filter(([name, figure]) => figure.ratio > coldTarget(name));
  const [worstName, worst] = functions.reduce((a, b) =>
    b[1].ratio / coldTarget(b[0]) > a[1].ratio / coldTarget(a[0]) ? b : a,
  );
  return [
    [
      'Bundle size per Lambda (AWS SDK included)',
      '≤ 1.5 MB minified',
      `largest ${kb(biggestBundle)}`,
      biggestBundle <= 1.5 * 1024 * 1024,
    ],
    [
      'Cold load per Lambda, against a reference bundled alike',
      '≤ 1.5× the reference; slack-interactions ≤ 1.25×',
      `worst against its target: ${worstName} at ${worst.ratio.toFixed(2)}× (rounds ${worst.ratioSpread.map((ratio) => ratio.toFixed(2)).join('–')})${overTarget.length > 0 ? `; over: ${overTarget.map(([name]) => name).join(', ')}` : ''}`,
      overTarget.length === 0,
    ],
  ];
}

/** Organization mode: IAM calls per account, the evidence's pace, and the largest state. */
function organizationTargets(results: BenchResults): Target[] {
  const org = results.organization;
  return [
    [
      `IAM calls per account, organization of ${org.accounts} × ${org.usersPerAccount.toLocaleString('en')} users`,
      `≤ 6 + ${org.candidatesPerAccount} (the account rule, plus ListAccountAliases)`,
      `at most ${org.iamCallsPerAccount.max}, mean ${org.iamCallsPerAccount.mean.toFixed(1)}`,
      org.iamCallsPerAccount.max <= 6 + org.candidatesPerAccount,
    ],
    [
      `Evidence of ${org.evidence.lookups.toLocaleString('en')} candidates in ${org.accounts} accounts`,
      'within 1.5× of the per-account 2 lookups/s floor, 0 throttled',
      `${(org.evidence.ms / 1000).toFixed(1)} s vs ${(org.evidence.perAccountFloorMs / 1000).toFixed(0)} s floor (${(org.evidence.ms / org.evidence.perAccountFloorMs).toFixed(2)}×; one limiter for all: ${(org.evidence.serialFloorMs / 1000).toFixed(0)} s), ${org.evidence.throttled} throttled`,
      org.evidence.ms <= 1.5 * org.evidence.perAccountFloorMs && org.evidence.throttled === 0,
    ],
    organizationPayloadTarget(org, results.organizationScale ?? []),
  ];
}

/** The largest state of any organization sweep measured, at every size: the same at 500 and 5,000 accounts. */
function organizationPayloadTarget(
  org: OrganizationFigures,
  scale: readonly OrganizationScaleFigures[],
): Target {
  const all = [{ accounts: org.accounts, bytes: org.largestPayloadBytes }].concat(
    scale.map((figure) => ({ accounts: figure.accounts, bytes: figure.largestPayloadBytes })),
  );
  return [
    'Largest organization sweep payload, at any organization size',
    '≤ 192 KB (¾ of the 256 KB limit), not growing with the accounts',
    all.map(({ accounts, bytes }) => `${accounts.toLocaleString('en')} accounts: ${kb(bytes)}`).join('; '),
    all.every(({ bytes }) => bytes <= 192 * 1024),
  ];
}
