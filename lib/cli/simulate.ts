import { QUARANTINE_CHANGE } from '../sim/account-changes';
import * as path from 'node:path';
import { undoAdvice } from '../../lambdas/commons/case/outcome';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import { CASE_TABLE } from '../sim/standins/dynamo';
import { credentialFindings } from '../../lambdas/inventory/inventory';
import { runScenario, type SimulationDetail } from '../sim/run-scenario';
import { loadScenario } from '../sim/scenario';
import { adfToText, mrkdwn, slackToText } from '../sim/render';
import { runCases } from './cases';
import type { CommandIo } from './io';
import { PLAIN, type Style } from './style';
import { alignColumns, verdictLabel } from './table';
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
    scenario = loadScenario(file);
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
      io.stderr(`${file}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  if (flags.json) {
    io.stdout(JSON.stringify(detail.report, null, 2));
    return 0;
  }
  const where = scenario.accounts
    ? `hub account ${scenario.accountId} and ${scenario.accounts.length} member accounts`
    : `account ${scenario.accountId}`;
  io.stdout(timeline(file, scenario.now, where, detail, io.style, Boolean(flags.verbose)));
  if (pageWritten) io.stdout(`Wrote the evidence page of this simulation's cases to ${String(flags.html)}.`);
  return 0;
}

/** How each outcome reads at a glance: destructive in red, safe in green, stopped in yellow. */
function outcomeColour(outcome: string, style: Style): (text: string) => string {
  if (outcome === 'deleted' || outcome === 'failed') return style.red;
  if (outcome === 'disabled' || outcome.startsWith('aborted')) return style.yellow;
  if (outcome === 'kept' || outcome === 'expired' || outcome === 'dry-run') return style.green;
  return (text) => text;
}

/** Above this many users, lists are counted rather than spelled out, unless --verbose. */
const LIST_LIMIT = 40;

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

type Rule = (title: string) => string;
type CaseDetail = SimulationDetail['cases'][number];

function sweepSection(detail: SimulationDetail, rule: Rule, style: Style, verbose: boolean): string[] {
  const { report } = detail;
  const out = [
    rule(
      report.sweep.halted
        ? `Sweep: ${count(report.sweep.usersScanned, 'user')}, halted by the guard: no case opened, ${count(report.sweep.backlog, 'candidate')} waiting`
        : `Sweep: ${count(report.sweep.usersScanned, 'user')}, ${count(report.sweep.candidates.length, 'case')} opened` +
            (report.sweep.backlog > 0 ? `, ${report.sweep.backlog} waiting` : ''),
    ),
  ];
  // A large account: the verdicts counted, and the users that are not simply active, longest idle first.
  const listed =
    verbose || detail.verdicts.length <= LIST_LIMIT
      ? detail.verdicts
      : detail.verdicts
          .filter((user) => user.verdict !== 'active' || credentialFindings(user).length > 0)
          .sort((a, b) => b.idleDays - a.idleDays)
          .slice(0, 20);
  if (listed.length < detail.verdicts.length) {
    const tally = new Map<string, number>();
    for (const user of detail.verdicts) tally.set(user.verdict, (tally.get(user.verdict) ?? 0) + 1);
    out.push(
      `  ${[...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([verdict, users]) => `${users} ${verdict}`)
        .join(
          ', ',
        )}; the ${listed.length} longest idle that are not simply active (--verbose lists all ${detail.verdicts.length}):`,
    );
  }
  // An active user's credentials that are not in use show under the user: the CIS AWS Foundations
  // v3.0.0 1.12 (v5.0.0 1.11) finding.
  out.push(
    ...alignColumns(
      [
        ['USER', 'VERDICT', 'IDLE', 'REASON'],
        ...listed.flatMap((user) => [
          [user.userName, verdictLabel(user.verdict), `${user.idleDays}d`, user.reason],
          ...credentialFindings(user).map((credential) => [
            `  └ ${credential.id}`,
            verdictLabel(credential.verdict),
            `${credential.idleDays}d`,
            credential.reason,
          ]),
        ]),
      ],
      '  ',
    ),
  );
  for (const warning of detail.rootWarnings) out.push(style.yellow(`  ⚠ ${warning}`));
  out.push(...organizationLines(report, style));
  if (report.sweep.halted)
    out.push(
      '',
      style.red(`  ✋ HALTED by the blast-radius guard: ${report.sweep.haltReason}`),
      '  No case was opened. Check the credential report; if the candidates are real, `iam-janitor acknowledge-guard` lets the next sweep through once.',
    );
  return out;
}

function organizationLines(report: SimulationDetail['report'], style: Style): string[] {
  const accounts = report.sweep.accounts;
  if (!accounts) return [];
  return [
    '',
    `  Organization: ${accounts.swept} accounts swept in a Distributed Map.`,
    ...accounts.failed.map((failed) =>
      style.yellow(`  ⚠ account ${failed.accountId} failed (${failed.error}): reported, the others went on`),
    ),
    ...accounts.halted.map((halted) =>
      style.yellow(`  ✋ account ${halted.accountId} halted by its own guard: ${halted.haltReason}`),
    ),
  ];
}

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
        entry.decision,
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
      ...(record?.quarantine ? [`  ${who}: ${quarantineText(record.quarantine)}`] : []),
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
      ? injected.map((line) => style.yellow(`  ⚡ ${line}`))
      : ['  no fault injected (the scenario has no faults)']),
    ...(refusals.length > 0 ? refusals.map((line) => `  ⛔ ${line}`) : ['  nothing was refused']),
  ];
}

function changesSection(detail: SimulationDetail, rule: Rule, style: Style, verbose: boolean): string[] {
  const out = [rule('What changed in the account')];
  if (detail.changes.length === 0) out.push('  nothing: no call changed IAM');
  for (const { userName, changes } of detail.changes) {
    const deleted = changes.includes('user deleted');
    const quarantine = changes.filter((change) => QUARANTINE_CHANGE.test(change));
    const removed = changes.length - quarantine.length - 1;
    out.push(
      `  ${
        deleted
          ? style.red(`${userName}: ${quarantine.length > 0 ? 'quarantined, then deleted' : 'deleted'}`) +
            `, after ${count(removed, 'dependent item')} removed`
          : style.yellow(`${userName}: ${count(changes.length, 'change')}`)
      }`,
      ...changes.filter((item) => item !== 'user deleted').map((change) => style.dim(`    - ${change}`)),
    );
  }
  const changed = new Set(detail.changes.map((entry) => entry.userName));
  const remaining = detail.report.remainingUsers;
  const untouched = remaining.filter((userName) => !changed.has(userName));
  const names = (list: string[], what: string) =>
    verbose || list.length <= LIST_LIMIT ? list.join(', ') || 'none' : `${count(list.length, what)}`;
  out.push(`  unchanged: ${names(untouched, 'user')}`);
  out.push('', `  users left in the account: ${names(remaining, 'user')}`);
  return out;
}
