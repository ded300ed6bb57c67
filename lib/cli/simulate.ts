import * as path from 'node:path';
import { undoAdvice } from '../../lambdas/commons/outcome';
import { CASE_TABLE } from '../sim/dynamo';
import { credentialFindings } from '../../lambdas/inventory/inventory';
import { runScenario, type SimulationDetail } from '../sim/run-scenario';
import { loadScenario } from '../sim/scenario';
import { adfToText, mrkdwn, slackToText } from '../sim/render';
import type { CommandIo } from './io';
import { PLAIN, type Style } from './style';
import { alignColumns } from './table';
import { count } from '../../lambdas/commons/text';

export const DEMO_SCENARIO = path.join(__dirname, '..', '..', 'examples', 'demo-account.json');

export interface SimulateFlags {
  readonly scenario?: unknown;
  readonly json?: unknown;
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
  try {
    detail = await runScenario(scenario);
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
  io.stdout(timeline(file, scenario.now, where, detail, io.style));
  return 0;
}

/** How each outcome reads at a glance: destructive in red, safe in green, stopped in yellow. */
function outcomeColour(outcome: string, style: Style): (text: string) => string {
  if (outcome === 'deleted' || outcome === 'failed') return style.red;
  if (outcome === 'disabled' || outcome.startsWith('aborted')) return style.yellow;
  if (outcome === 'kept' || outcome === 'expired' || outcome === 'dry-run') return style.green;
  return (text) => text;
}

export function timeline(
  file: string,
  now: string,
  where: string,
  detail: SimulationDetail,
  style: Style = PLAIN,
): string {
  const rule = (title: string) =>
    `\n${style.cyan('──')} ${style.bold(title)} ${style.cyan('─'.repeat(Math.max(3, 76 - title.length)))}`;
  const out: string[] = [];
  const { report } = detail;
  out.push(
    `iam-janitor simulation of ${path.relative(process.cwd(), file) || file}: ${where}, clock at ${now}`,
  );
  out.push(
    'Everything below ran offline: the real state machines and Lambda handlers against emulated IAM, CloudTrail, Slack, Jira and DynamoDB.',
  );

  out.push(
    rule(
      report.sweep.halted
        ? `Sweep: ${count(report.sweep.usersScanned, 'user')}, halted by the guard: no case opened, ${count(report.sweep.backlog, 'candidate')} waiting`
        : `Sweep: ${count(report.sweep.usersScanned, 'user')}, ${count(report.sweep.candidates.length, 'case')} opened` +
            (report.sweep.backlog > 0 ? `, ${report.sweep.backlog} waiting` : ''),
    ),
  );
  // An active user's credentials that are not in use show under the user: that is the CIS AWS Foundations v3.0.0 1.12 (v5.0.0 1.11) finding.
  const rows = [
    ['USER', 'VERDICT', 'IDLE', 'REASON'],
    ...detail.verdicts.flatMap((user) => [
      [user.userName, user.verdict, `${user.idleDays}d`, user.reason],
      ...credentialFindings(user).map((credential) => [
        `  └ ${credential.id}`,
        credential.verdict,
        `${credential.idleDays}d`,
        credential.reason,
      ]),
    ]),
  ];
  out.push(...alignColumns(rows, '  '));
  for (const warning of detail.rootWarnings) out.push(style.yellow(`  ⚠ ${warning}`));
  const accounts = report.sweep.accounts;
  if (accounts) {
    out.push('', `  Organization: ${accounts.swept} accounts swept in a Distributed Map.`);
    for (const failed of accounts.failed)
      out.push(
        style.yellow(
          `  ⚠ account ${failed.accountId} failed (${failed.error}): reported, the others went on`,
        ),
      );
    for (const halted of accounts.halted)
      out.push(
        style.yellow(`  ✋ account ${halted.accountId} halted by its own guard: ${halted.haltReason}`),
      );
  }
  if (report.sweep.halted) {
    out.push(
      '',
      style.red(`  ✋ HALTED by the blast-radius guard: ${report.sweep.haltReason}`),
      '  No case was opened. Check the credential report; if the candidates are real, `iam-janitor acknowledge-guard` lets the next sweep through once.',
    );
  }

  for (const { run, record, issue, message, thread } of detail.cases) {
    const account = record?.candidate.accountId;
    out.push(rule(`Case: ${run.userName}${account ? ` in ${account}` : ''}`));
    out.push(`  steps: ${run.states.join(' → ')}  (${run.transitions} state transitions)`);
    if (run.states.includes('DuplicateCase')) {
      out.push('  another case for this user is still open; this one stopped at once.');
      continue;
    }
    if (issue) {
      out.push(
        '',
        `  Jira ${issue.key}: ${issue.fields.summary}   [${issue.status}]  labels: ${issue.fields.labels.join(', ')}`,
      );
      out.push(adfToText(issue.fields.description, '  │ '));
      for (const comment of issue.comments) out.push(adfToText(comment, '  │ 💬 '));
    } else {
      out.push(
        '',
        run.states.includes('OpenTicket')
          ? '  Jira: no ticket (Jira did not answer).'
          : '  Jira: no ticket (the case ended before a ticket was opened).',
      );
    }
    if (message) {
      out.push('', `  Slack message in ${message.channel} (as it stands now):`);
      out.push(slackToText(message.blocks, '  ┃ '));
      for (const reply of thread) out.push(`  ┃ ↳ ${mrkdwn(reply.text)}`);
    } else {
      for (const reply of thread) out.push(`  Slack: ${mrkdwn(reply.text)}`);
    }
    const outcome = record?.outcome ?? 'unrecorded';
    out.push(
      '',
      `  decision: ${record?.decision ? `${record.decision.decision} by ${record.decision.decidedBy}` : 'none'}   outcome: ${outcomeColour(outcome, style)(outcome)}${record?.outcomeDetail ? ` (${record.outcomeDetail})` : ''}`,
    );
    if (record?.snapshot && record.outcome)
      out.push(
        `  snapshot saved in the case record before any change. ${undoAdvice(record, record.outcome, CASE_TABLE)}`,
      );
  }

  out.push(rule('Summary'));
  // Organization mode: the same name may live in two accounts, so each row names its account.
  const byAccount = report.cases.some((entry) => entry.accountId);
  const summary = [
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
  ];
  const summaryLines = alignColumns(summary, '  ');
  out.push(
    style.bold(summaryLines[0] ?? ''),
    ...summaryLines.slice(1).map((line, index) => outcomeColour(report.cases[index]!.outcome, style)(line)),
  );
  if (report.cases.length === 0) out.push('  no case was opened');

  out.push(rule('What changed in the account'));
  if (detail.changes.length === 0) out.push('  nothing: no call changed IAM');
  for (const { userName, changes } of detail.changes) {
    const deleted = changes.includes('user deleted');
    const headline = deleted
      ? style.red(`${userName}: deleted`) + `, after ${count(changes.length - 1, 'dependent item')} removed`
      : style.yellow(`${userName}: ${count(changes.length, 'change')}`);
    out.push(`  ${headline}`);
    for (const change of changes.filter((item) => item !== 'user deleted'))
      out.push(style.dim(`    - ${change}`));
  }
  const changed = new Set(detail.changes.map((entry) => entry.userName));
  const untouched = report.remainingUsers.filter((userName) => !changed.has(userName));
  out.push(`  unchanged: ${untouched.join(', ') || 'none'}`);
  out.push('', `  users left in the account: ${report.remainingUsers.join(', ')}`);
  out.push(`  simulated in ${detail.seconds.toFixed(1)} s. Run with --json for the machine-readable result.`);
  return out.join('\n');
}
