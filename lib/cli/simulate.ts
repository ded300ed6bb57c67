import { QUARANTINE_CHANGE } from '../sim/account-changes';
import * as path from 'node:path';
import { quarantineHeld, undoAdvice } from '../../lambdas/commons/case/outcome';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import { CASE_TABLE } from '../sim/standins/dynamo';
import { runScenario } from '../sim/run-scenario';
import { type SimulationDetail } from '../sim/scenario-report';
import { loadScenario, type Scenario } from '../sim/scenario';
import { adfToText, mrkdwn, slackToText } from '../sim/render';
import { runCases } from './cases';
import { hasCommandLineConfig, withCommandLineConfig } from './config-file';
import type { CommandIo } from './io';
import { PLAIN, type Style } from './style';
import { alignColumns } from './table';
import { LIST_LIMIT, sweepSection, type Rule } from './simulate-sweep';
import { count, deciderName } from '../../lambdas/commons/runtime/text';
import { DECISION_WORDS } from '../../lambdas/commons/slack/messages';

export const DEMO_SCENARIO = path.join(__dirname, '..', '..', 'examples', 'demo-account.json');

export interface SimulateFlags {
  readonly scenario?: unknown;
  readonly json?: unknown;
  readonly verbose?: unknown;
  readonly html?: unknown;
}

/**
 * The transitions Step Functions bills, as the steps listed account for them: one per state
 * entered, plus one per retry, which the list does not show.
 */
function transitionsText(run: { readonly states: readonly string[]; readonly transitions: number }): string {
  const retries = run.transitions - run.states.length;
  const billed = count(run.transitions, 'state transition');
  return retries > 0
    ? `${billed}: ${count(run.states.length, 'state')} and ${count(retries, 'retry', 'retries')}`
    : billed;
}

/** `iam-janitor simulate`: the whole workflow, offline, on an emulated account. */
export async function runSimulate(flags: SimulateFlags, io: CommandIo): Promise<number> {
  const file = typeof flags.scenario === 'string' ? flags.scenario : DEMO_SCENARIO;
  let scenario;
  try {
    const loaded = loadScenario(file);
    // -c goes over the scenario's config as it goes over cdk.json for the other commands.
    scenario = { ...loaded, config: withCommandLineConfig(loaded.config) };
  } catch (error) {
    io.stderr((error as Error).message);
    return 2;
  }
  let detail: SimulationDetail;
  let pageWritten = false;
  const users =
    scenario.users.length + (scenario.accounts ?? []).reduce((sum, account) => sum + account.users.length, 0);
  // A large account takes a while: say what is happening rather than stay silent.
  if (users > LIST_LIMIT * 5)
    io.stderr(
      `Simulating ${count(users, 'user')}: the sweep reads them all, then each case runs to its end.`,
    );
  try {
    detail = await runScenario(scenario, {
      // The evidence page of the simulation's own case table, as `cases --html` writes it from a real one.
      ...(typeof flags.html === 'string'
        ? {
            afterRun: async () => {
              // Its own line says where the page went (below); cases' line would offer a digest
              // that nothing can recompute once the simulation's table is gone.
              const code = await runCases(
                { table: CASE_TABLE, html: flags.html },
                { ...io, stdout: () => undefined },
                new Date(scenario.now),
              );
              pageWritten = code === 0;
            },
          }
        : {}),
      ...(io.progress
        ? { onCaseEnded: (done: number, total: number) => io.progress!(done, total, 'cases') }
        : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'InvalidConfigError') {
      io.stderr(`${file}${hasCommandLineConfig() ? ' and -c flags' : ''}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  if (flags.json) {
    io.stdout(simulationJson(detail));
    return 0;
  }
  io.stdout(
    timeline(file, scenario.now, accountsSimulated(scenario), detail, io.style, Boolean(flags.verbose)),
  );
  if (pageWritten) io.stdout(`Wrote the evidence page of this simulation's cases to ${String(flags.html)}.`);
  return 0;
}

/** What `simulate --json` prints: the report, whose records the timeline's sentences are written from. */
export function simulationJson(detail: SimulationDetail): string {
  return JSON.stringify(detail.report, null, 2);
}

/** The accounts a scenario simulates, as the timeline's first line names them. */
export function accountsSimulated(scenario: Scenario): string {
  return scenario.accounts
    ? `hub account ${scenario.accountId} and ${scenario.accounts.length} member accounts`
    : `account ${scenario.accountId}`;
}

/** How each outcome reads at a glance: destructive in red, safe in green, stopped in yellow. */
function outcomeColour(outcome: string, style: Style): (text: string) => string {
  if (outcome === 'deleted' || outcome === 'failed') return style.red;
  if (outcome === 'disabled' || outcome === 'refused' || outcome.startsWith('aborted')) return style.yellow;
  if (outcome === 'kept' || outcome === 'expired' || outcome === 'dry-run') return style.green;
  return (text) => text;
}

export function timeline(
  file: string,
  now: string,
  where: string,
  detail: SimulationDetail,
  style: Style = PLAIN,
  verbose = false,
): string {
  const rule = (title: string) =>
    `\n${style.cyan('──')} ${style.bold(title)} ${style.cyan('─'.repeat(Math.max(3, 76 - title.length)))}`;
  return [
    `iam-janitor simulation of ${path.relative(process.cwd(), file) || file}: ${where}, clock at ${now}`,
    'Everything below ran offline: the real state machines and Lambda handlers against emulated IAM, CloudTrail, Slack, Jira and DynamoDB.',
    ...sweepSection(detail, rule, style, verbose),
    ...(verbose
      ? detail.cases.flatMap((entry) => caseSection(entry, rule, style))
      : approverView(detail, rule)),
    ...summarySection(detail, rule, style),
    ...incidentsSection(detail, rule, style),
    ...changesSection(detail, rule, style, verbose),
    `  simulated in ${detail.seconds.toFixed(1)} s. ${verbose ? '' : '--verbose shows every ticket, request and thread; '}--json prints the machine-readable result.`,
  ].join('\n');
}

type CaseDetail = SimulationDetail['cases'][number];

/** The first approval request as it was posted, buttons included: what an approver sees. */
function approverView(detail: SimulationDetail, rule: Rule): string[] {
  const first = detail.cases.find((entry) => entry.request);
  if (!first?.request) return [];
  return [
    rule(`What an approver sees: the request for ${first.run.userName}, as posted`),
    slackToText(first.request.blocks, '  ┃ '),
  ];
}

/** One case in full (--verbose): its steps, ticket, request as posted, message and thread as they stand. */
function caseSection(entry: CaseDetail, rule: Rule, style: Style): string[] {
  const { run, record, issue, request, message, thread } = entry;
  const account = record?.candidate.accountId;
  const out = [
    rule(`Case: ${run.userName}${account ? ` in ${account}` : ''}`),
    `  steps: ${run.states.join(' → ')}  (${transitionsText(run)})`,
  ];
  if (run.states.includes('DuplicateCase'))
    return [...out, '  another case for this user is still open; this one stopped at once.'];
  if (issue) {
    out.push(
      '',
      `  Jira ${issue.key}: ${issue.fields.summary}   [${issue.status}]  labels: ${issue.fields.labels.join(', ')}`,
      adfToText(issue.fields.description, '  │ '),
      ...issue.comments.map((comment) => adfToText(comment, '  │ 💬 ')),
    );
  } else {
    out.push(
      '',
      run.states.includes('OpenTicket')
        ? '  Jira: no ticket (Jira did not answer).'
        : '  Jira: no ticket (the case ended before a ticket was opened).',
    );
  }
  if (request)
    out.push('', `  Slack request in ${request.channel}, as posted:`, slackToText(request.blocks, '  ┃ '));
  if (message) {
    out.push(
      '',
      `  Slack message in ${message.channel} (as it stands now):`,
      slackToText(message.blocks, '  ┃ '),
    );
    out.push(...thread.map((reply) => `  ┃ ↳ ${mrkdwn(reply.text)}`));
  } else {
    out.push(...thread.map((reply) => `  Slack: ${mrkdwn(reply.text)}`));
  }
  const outcome = record?.outcome ?? 'unrecorded';
  out.push(
    '',
    `  decision: ${record?.decision ? `${DECISION_WORDS[record.decision.decision]} by ${deciderName(record.decision.decidedBy)}` : 'none'}   outcome: ${outcomeColour(outcome, style)(outcome)}${record?.outcomeDetail ? ` — ${record.outcomeDetail}` : ''}`,
  );
  if (record?.snapshot && record.outcome)
    out.push(
      `  snapshot saved in the case record before any change. ${undoAdvice(record, record.outcome, CASE_TABLE)}`,
    );
  return out;
}

/** One line per case; below, each case's outcome detail and how to undo what was done. */
function summarySection(detail: SimulationDetail, rule: Rule, style: Style): string[] {
  const { report } = detail;
  // Organization mode: the same name may live in two accounts, so each row names its account.
  const byAccount = report.cases.some((entry) => entry.accountId);
  const lines = alignColumns(
    [
      [...(byAccount ? ['ACCOUNT'] : []), 'USER', 'DECISION', 'BY', 'OUTCOME', 'JIRA', 'SNAPSHOT'],
      ...report.cases.map((entry) => [
        ...(byAccount ? [entry.accountId ?? '-'] : []),
        entry.userName,
        entry.decision ?? 'none',
        entry.decidedBy ?? '-',
        entry.outcome,
        entry.jiraKey ?? '-',
        entry.snapshotSaved ? 'yes' : 'no',
      ]),
    ],
    '  ',
  );
  const out = [
    rule('Summary'),
    style.bold(lines[0] ?? ''),
    ...lines.slice(1).map((line, index) => outcomeColour(report.cases[index]!.outcome, style)(line)),
  ];
  if (report.cases.length === 0) out.push('  no case was opened');
  const notes = detail.cases.flatMap(({ run, record }) => {
    const who = record?.candidate.accountId ? `${record.candidate.accountId}/${run.userName}` : run.userName;
    return [
      ...(record?.outcomeDetail ? [`  ${who}: ${record.outcomeDetail}`] : []),
      ...(record?.quarantine
        ? [`  ${who}: ${quarantineText(record.quarantine, quarantineHeld(record))}`]
        : []),
      ...(record?.snapshot && record.outcome
        ? [`  ${who}: ${undoAdvice(record, record.outcome, CASE_TABLE)}`]
        : []),
    ];
  });
  if (notes.length > 0) out.push('', ...notes.map((note) => style.dim(note)));
  return out;
}

function incidentsSection(detail: SimulationDetail, rule: Rule, style: Style): string[] {
  const { injected, refusals } = detail.incidents;
  return [
    rule('Faults injected and refusals'),
    ...(injected.length > 0
      ? injected.map((fault) => style.yellow(`  ⚡ ${fault.text}`))
      : ['  no fault injected (the scenario has no faults)']),
    ...(refusals.length > 0 ? refusals.map((refusal) => `  ⛔ ${refusal.text}`) : ['  nothing was refused']),
  ];
}

function changesSection(detail: SimulationDetail, rule: Rule, style: Style, verbose: boolean): string[] {
  const organization = detail.report.sweep.accounts !== undefined;
  const out = [rule(organization ? 'What changed in the member accounts' : 'What changed in the account')];
  const { accountChanges } = detail.report;
  if (accountChanges.length === 0) out.push('  nothing: no call changed IAM');
  for (const { userName, changes, removed } of accountChanges) {
    const deleted = changes.includes('user deleted');
    const quarantine = changes.filter((change) => QUARANTINE_CHANGE.test(change));
    out.push(
      `  ${
        deleted
          ? style.red(`${userName}: ${quarantine.length > 0 ? 'quarantined, then deleted' : 'deleted'}`) +
            `, after ${count(removed.length, 'dependent item')} removed`
          : style.yellow(`${userName}: ${count(changes.length, 'change')}`)
      }`,
      ...changes.map((change) => style.dim(`    - ${change}`)),
    );
  }
  const changed = new Set(accountChanges.map((entry) => entry.userName));
  const remaining = detail.report.remainingUsers;
  const untouched = remaining.filter((userName) => !changed.has(userName));
  const names = (list: string[], what: string) =>
    verbose || list.length <= LIST_LIMIT ? list.join(', ') || 'none' : `${count(list.length, what)}`;
  out.push(`  unchanged: ${names(untouched, 'user')}`);
  out.push('', `  users left in the account${organization ? 's' : ''}: ${names(remaining, 'user')}`);
  return out;
}
