import type { WatcherRegionsFigure } from './watcher-regions';
import type { OrganizationScaleFigures } from './organization-scale';
import { coldTarget, kb, mark, type BenchResults } from './figures';
import { targets } from './targets';

/** BENCHMARKS.md, from the figures of one run. */
export function benchmarksMarkdown(results: BenchResults): string {
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, ${results.machine.platform}.`,
    `Everything runs on the local stand-ins over real HTTP, with ${results.latencyMs} ms added to every IAM and CloudTrail call (50 ms for the interactions figures). The whole run took ${results.totalSeconds} s.`,
    '',
    '## Against the targets',
    '',
    ...targetsTable(results),
    ...inventorySection(results),
    ...credentialsSection(results),
    ...sweepSection(results),
    ...quarantineSection(results),
    ...watcherRegionsSection(results.watcherRegions),
    ...contextSection(results),
    ...lambdasSection(results),
    ...organizationSection(results),
    ...organizationScaleSection(results.organizationScale ?? []),
    '## Interactions endpoint',
    '',
    `${results.interactions.clicks} signed clicks on waiting cases, each verified, written conditionally, resumed with SendTaskSuccess and the message updated, with ${results.interactions.standinLatencyMs} ms on every Step Functions, Secrets Manager and Slack call: p50 ${results.interactions.p50Ms.toFixed(0)} ms, p99 ${results.interactions.p99Ms.toFixed(0)} ms. Slack waits 3 s.`,
    '',
  ];
  return lines.join('\n');
}

/** The targets, each with what was measured and whether it met it. */
function targetsTable(results: BenchResults): string[] {
  return [
    '| figure | target | measured | |',
    '|---|---|---|---|',
    ...targets(results).map(
      ([figure, target, measured, met]) => `| ${figure} | ${target} | ${measured} | ${mark(met)} |`,
    ),
    '',
  ];
}

/** The inventory's calls against a tool without the credential report. */
function inventorySection(results: BenchResults): string[] {
  return [
    '## Inventory against a naive baseline',
    '',
    'The baseline is what a tool without the credential report does: ListUsers, then GetUser, ListAccessKeys and GetAccessKeyLastUsed for every user, 8 calls in flight. Both ran on the same accounts in the same run and found the same idle users.',
    '',
    '| users | idle | iam-janitor calls | time | baseline calls | time | fewer calls | faster |',
    '|---|---|---|---|---|---|---|---|',
    ...results.inventory.map(
      (entry) =>
        `| ${entry.users.toLocaleString('en')} | ${entry.inactive} | ${entry.calls} | ${(entry.ms / 1000).toFixed(2)} s | ${entry.baselineCalls.toLocaleString('en')} | ${(entry.baselineMs / 1000).toFixed(1)} s | ${entry.callRatio.toFixed(0)}× | ${entry.timeRatio.toFixed(0)}× |`,
    ),
    '',
    'iam-janitor reads the credential report (GenerateCredentialReport until COMPLETE, then GetCredentialReport), then the tags and ids of the idle users: one GetUser each, or GetAccountAuthorizationDetails at 1,000 users per call when that is fewer calls.',
    '',
  ];
}

/** Stale credentials of active users. */
function credentialsSection(results: BenchResults): string[] {
  return [
    '## Stale credentials of active users (CIS AWS Foundations v3.0.0 1.12)',
    '',
    `${results.credentials.users.toLocaleString('en')} users, all active, ${results.credentials.staleKeys.toLocaleString('en')} of them with a second access key unused for 100 days: the inventory judged every credential from the report and made ${results.credentials.calls} IAM calls in ${(results.credentials.ms / 1000).toFixed(2)} s. It opened ${results.credentials.casesOpened} credential cases (maxCasesPerRun) and left ${results.credentials.backlog} for the next sweeps, the longest-idle first. The report has no key ids: each case reads its key's id in its own context step, so the inventory never lists keys.`,
    '',
  ];
}

/** What a sweep's state holds, and what each case outcome costs. */
function sweepSection(results: BenchResults): string[] {
  return [
    '## Sweep state and cost',
    '',
    '| sweep | candidates | payload | halted | sweep transitions |',
    '|---|---|---|---|---|',
    ...Object.entries(results.sweep).map(
      ([label, figure]) =>
        `| ${label} | ${figure.candidates} | ${kb(figure.bytes)} | ${figure.halted ? 'yes' : 'no'} | ${figure.transitions} |`,
    ),
    '',
    "The sweep passes case references only (name, subject id, kind, account: bounded by IAM's own limits, whatever the users' paths), never the report and never the candidates themselves, and at most maxCasesPerRun (250 at most) of them; the backlog is a count. Each candidate waits in the case table and the sweep machine reads it (LoadCandidate, one transition per case started) right before starting its case. A halted sweep passes 20 names. Step Functions caps a payload at 256 KB, and the offline engine now refuses a state over it as Step Functions does.",
    '',
    '| case outcome | transitions | history events | cost per 1,000 cases |',
    '|---|---|---|---|',
    ...Object.entries(results.cases.perOutcome).map(
      ([outcome, figure]) =>
        `| ${outcome} | ${figure.transitions} | ${figure.historyEvents} | $${((figure.transitions * 1000 * 0.025) / 1000).toFixed(3)} |`,
    ),
    '',
    `The largest case history holds ${results.cases.largestHistoryEvents} events in the offline run (Step Functions allows 25,000). Reminders run outside the state machine, so a long wait adds no transitions.`,
    '',
  ];
}

/** A silent quarantine, at three lengths. */
function quarantineSection(results: BenchResults): string[] {
  return [
    '## Quarantine',
    '',
    'One idle user, Delete approved, silent through the quarantine (the common case), on the scenario clock. The wait is a task token answered by the daily watcher (its own schedule, like the reminders): no state polls inside the execution, so a longer quarantine costs no transition. The watcher is one Lambda invocation a day for the whole deployment, whatever the number of quarantined cases; each case adds its reads (GetUser, ListAccessKeys, GetAccessKeyLastUsed per key, LookupEvents per region) to that run.',
    '',
    '| quarantineDays | outcome | case transitions | cost per 1,000 cases | Lambda invocations (the run) | of them the watcher |',
    '|---|---|---|---|---|---|',
    ...results.quarantine.map(
      (figure) =>
        `| ${figure.days} | ${figure.outcome} | ${figure.transitions} | $${((figure.transitions * 1000 * 0.025) / 1000).toFixed(3)} | ${figure.invocations} | ${figure.watcherRuns} |`,
    ),
    '',
  ];
}

/** The context step: CloudTrail's pace, and the IAM reads of one case. */
function contextSection(results: BenchResults): string[] {
  return [
    '## Context gathering',
    '',
    `${results.context.candidates} cases opened at once, one region: ${results.context.lookups} LookupEvents calls in ${(results.context.ms / 1000).toFixed(1)} s, against a floor of ${(results.context.floorMs / 1000).toFixed(0)} s set by CloudTrail's 2 lookups per second per account and region. ${results.context.throttledLookups} lookups were throttled and ${results.context.failedCases} cases failed.`,
    '',
    `Gathering one case's IAM evidence takes ${results.context.iamCallsPerCase} IAM calls on the benchmark's users, all through the one user reader the remover also plans from: GetUser, GetLoginProfile, the lists of access keys, signing certificates, SSH keys, service-specific credentials (the two the credential report leaves out), MFA devices, inline and managed policies and groups, one GetAccessKeyLastUsed per key and one GetUserPolicy per inline policy. They are made per case, never per user of the account. The remover adds one LookupEvents per region only for a user who holds an SSH key or service-specific credential.`,
    '',
  ];
}

/** Every function's bundle and cold load. */
function lambdasSection(results: BenchResults): string[] {
  return [
    '## Lambdas',
    '',
    '| function | bundle (minified, esbuild metafile) | cold load (median of 9) | against the reference (median, range) |',
    '|---|---|---|---|',
    ...Object.entries(results.bundles).map(
      ([name, figure]) =>
        `| ${name} | ${kb(figure.bytes)} | ${figure.coldLoadMs.toFixed(0)} ms | ${name === 'reference' ? 'the yardstick' : `${figure.ratio.toFixed(2)}× (${figure.ratioSpread.map((ratio) => ratio.toFixed(2)).join('–')}), target ≤ ${coldTarget(name)}×`} |`,
    ),
    '',
    'Cold load is the time to `require` the bundled module in a fresh Node process, on this machine: nine rounds, each loading every bundle once, the reference among them. The target is a ratio to the reference loaded in the same round (`bench/reference/handler.ts`: one DynamoDB GetItem with the Powertools logger, bundled the same way), because this shared machine makes absolute times flip with load. Every bundle carries its own AWS SDK clients, the versions the tests ran against, from their ES module builds: each keeps only the operations its function sends. What is evaluated on first use (Organizations, member-role sessions, secrets, jira.js, the Slack client) counts here for reading it; running it falls to the first invocation that calls it.',
    '',
  ];
}

/** One hub over many member accounts. */
function organizationSection(results: BenchResults): string[] {
  const org = results.organization;
  return [
    '## Organization mode',
    '',
    `${org.accounts} member accounts of ${org.usersPerAccount.toLocaleString('en')} users, ${org.candidatesPerAccount} candidates in each, behind one hub: the organization sweep (ListAccounts, the Distributed Map of inventories at accountConcurrency 10, each through its account's reader role, the organization guard, the case starts) took ${(org.sweepMs / 1000).toFixed(1)} s. It opened ${org.casesOpened} cases (maxCasesPerRun, the organization's longest-idle first) and left ${org.backlog} for the next sweeps. Each account cost at most ${org.iamCallsPerAccount.max} IAM calls. The largest state was the ${org.largestPayloadState} at ${kb(org.largestPayloadBytes)}: the listing, each account's result and each account's batch wait in the case table, and the states carry counts and references.`,
    '',
    `The evidence of all ${org.evidence.lookups.toLocaleString('en')} candidates, 10 cases at once: ${(org.evidence.ms / 1000).toFixed(1)} s, against ${(org.evidence.perAccountFloorMs / 1000).toFixed(0)} s for one account's ${org.candidatesPerAccount} lookups at CloudTrail's 2 per second. The pacing is per account and region, shared through the case table, so accounts proceed in parallel; one limiter for the whole organization would need ${(org.evidence.serialFloorMs / 1000).toFixed(0)} s. ${org.evidence.throttled} lookups were throttled.`,
    '',
  ];
}

/** The watcher's reads: they follow the quarantined users and their credentials, never the account. */
function watcherRegionsSection(figures: readonly WatcherRegionsFigure[]): string[] {
  const [first] = figures;
  if (!first) return [];
  return [
    "### The watcher's regions",
    '',
    `One daily watch, its reads counted on the stand-in (never timed). A quarantined user with only access keys or a password is read in the ${first.configuredRegions} configured regions (us-east-1 and \`cloudTrailRegions\`): IAM dates those credentials' last use wherever they are tried. A user holding an SSH key or a service-specific credential, which only CloudTrail records and only in the region it was tried in, is read in every region enabled for the account (${first.enabledRegions} here, from one ListRegions call per account and watch): its LookupEvents calls grow with such users times the enabled regions, and not with the account's users. Each quarantined user also costs two LookupEvents in us-east-1, for the account's renames (UpdateUser: the user's events are read under every name it held) and policies taken off (DetachUserPolicy: a deny taken off and put back between two watches), and one read of the whole user (the deny and the permissions, compared with the snapshot).`,
    '',
    '| users in the account | quarantined | of them holding SSH keys or service credentials | LookupEvents | ListRegions | IAM calls |',
    '|---|---|---|---|---|---|',
    ...figures.map(
      (figure) =>
        `| ${figure.accountUsers.toLocaleString('en-US')} | ${figure.quarantined} | ${figure.holdingUndated} | ${figure.lookupEvents} | ${figure.listRegions} | ${figure.iamCalls} |`,
    ),
    '',
  ];
}

/** The organization sweep at 500 and 5,000 member accounts: what grows with the accounts, and what does not. */
function organizationScaleSection(figures: readonly OrganizationScaleFigures[]): string[] {
  if (figures.length === 0) return [];
  // Standard workflows: $0.025 per 1,000 state transitions (AWS Step Functions pricing, us-east-1).
  const cost = (transitions: number) => `$${((transitions * 0.025) / 1000).toFixed(2)}`;
  return [
    '### Organizations of any size',
    '',
    `The organization sweep alone (the cases are counted, not run), ${figures[0]!.usersPerAccount} users an account and one of them idle, each account's report already fresh, ${figures[0]!.latencyMs} ms added to every AWS call. The listing waits in the case table in pages of 200 accounts, one Distributed Map run a page; each account's result waits under its own key, and the guard reads them in BatchGetItem calls of 100: no state's payload grows with the organization. Transitions count every state of the sweep and of the map's child executions, as Step Functions bills them. The sweep's time is this machine's, where two cores run every Lambda and stand-in: it shows what accountConcurrency buys once the calls wait on the network. In AWS each inventory is a Lambda of its own, so a sweep takes about the accounts ÷ accountConcurrency × one account's inventory.`,
    '',
    '| accounts | accountConcurrency | largest state payload | transitions (cost) | cases opened | backlog | IAM calls per account | sweep |',
    '|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (figure) =>
        `| ${figure.accounts.toLocaleString('en')} | ${figure.accountConcurrency} | ${kb(figure.largestPayloadBytes)} (${figure.largestPayloadState}) | ${figure.transitions.toLocaleString('en')} (${cost(figure.transitions)}) | ${figure.casesOpened} | ${figure.backlog.toLocaleString('en')} | ≤ ${figure.iamCallsPerAccount.max} | ${(figure.sweepMs / 1000).toFixed(0)} s |`,
    ),
    '',
  ];
}

/**
 * The guard's row says both shares, from the figures the bench runs with: the candidates' share of
 * the users, and the maxCandidateFraction it passes (a label written by hand once named the first
 * as the guard's threshold).
 */
export function guardNote(candidates: number, users: number, fraction: number): string {
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  const verdict = candidates / users > fraction ? 'the guard halts' : 'the guard lets it through';
  return `${percent(candidates / users)} of the users, over a maxCandidateFraction of ${percent(fraction)}: ${verdict}`;
}
