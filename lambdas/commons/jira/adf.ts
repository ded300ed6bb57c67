import type { CaseRecord } from '../case/record';
import { caseSubject } from '../case/outcome';
import { caseFacts } from '../case/case-view';
import { clip, deciderName, sentence } from '../runtime/text';

/** Atlassian Document Format nodes: the description format of Jira Cloud REST v3. */
export type AdfNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
};
export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

// ADF forbids empty text nodes.
const text = (value: string, marks?: AdfNode['marks']): AdfNode => ({
  type: 'text',
  text: value === '' ? '—' : value,
  ...(marks ? { marks } : {}),
});
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const heading = (value: string, level = 3): AdfNode => ({
  type: 'heading',
  attrs: { level },
  content: [text(value)],
});
const link = (value: string, href: string) => text(value, [{ type: 'link', attrs: { href } }]);
const cell = (value: string, header = false): AdfNode => ({
  type: header ? 'tableHeader' : 'tableCell',
  content: [paragraph(text(value))],
});
const table = (header: string[], rows: string[][]): AdfNode => ({
  type: 'table',
  attrs: { isNumberColumnEnabled: false, layout: 'default' },
  content: [
    { type: 'tableRow', content: header.map((value) => cell(value, true)) },
    ...rows.map((row) => ({ type: 'tableRow', content: row.map((value) => cell(value)) })),
  ],
});
const bulletList = (items: string[]): AdfNode => ({
  type: 'bulletList',
  content: items.map((item) => ({ type: 'listItem', content: [paragraph(text(item))] })),
});

export function doc(...content: AdfNode[]): AdfDoc {
  return { version: 1, type: 'doc', content };
}

/** The ticket description: facts, permissions, recent CloudTrail events, and the execution link. */
/** Why the case exists, in words that are true of it: found idle, found stale, or asked for. */
export function openingSentence(
  record: Pick<CaseRecord, 'candidate'> & Parameters<typeof caseSubject>[0],
  quarantineDays = 0,
): string {
  const { candidate } = record;
  const quarantine = quarantineDays > 0 ? ` ${quarantineSentence(quarantineDays)}` : '';
  if (candidate.requested)
    return `${deciderName(candidate.requested.by)} asked iam-janitor to offboard an IAM user, whether or not it is in use.${candidate.requested.reason ? ` Their reason: ${sentence(candidate.requested.reason)}` : ''} An approver decides in Slack; this ticket records the case and its outcome.${quarantine}`;
  if (candidate.kind === 'credential')
    return `iam-janitor found a stale credential of an active IAM user (${CIS_UNUSED_CREDENTIALS}): ${caseSubject(record)}. An approver decides in Slack whether to deactivate it; this ticket records the case and its outcome.`;
  return `iam-janitor found an IAM user who looks inactive. An approver decides in Slack; this ticket records the case and its outcome.${quarantine}`;
}

/** What an approved Delete does first, when quarantineDays is above 0. */
export function quarantineSentence(quarantineDays: number): string {
  return `An approved deletion first quarantines the user for ${quarantineDays} day${quarantineDays === 1 ? '' : 's'}: denied everything (AWSDenyAll), every credential left in place and checked daily; any attempt to use one stops the deletion and asks the approvers again.`;
}

/**
 * The CIS control for unused credentials is numbered differently in each version of the CIS AWS
 * Foundations Benchmark: 1.12 in v3.0.0, 1.11 in v5.0.0, 2.11 in v7.0.0. A bare number misleads.
 */
export const CIS_UNUSED_CREDENTIALS = 'CIS AWS Foundations v5.0.0 1.11, v3.0.0 1.12';

export function caseDescription(record: CaseRecord, quarantineDays = 0): AdfDoc {
  const facts = caseFacts(record);
  const trail = facts.context?.cloudTrail;
  const content: AdfNode[] = [
    paragraph(text(openingSentence(record, quarantineDays))),
    heading('Facts'),
    table(['Fact', 'Value'], facts.rows),
    heading('Permissions'),
  ];
  const granted = facts.permissions.filter(([, values]) => values.length > 0);
  content.push(
    granted.length === 0
      ? paragraph(text(facts.context ? 'No groups, policies or boundary.' : 'Not gathered.'))
      : bulletList(granted.map(([label, values]) => `${label}: ${values.join(', ')}`)),
  );
  content.push(
    heading(
      `Recent CloudTrail events (${trail ? `${trail.windowDays} days, ${trail.regions.join(', ')}` : 'not gathered'})`,
    ),
  );
  if (!trail || trail.recentEvents.length === 0) {
    content.push(
      paragraph(text(trail ? 'No events recorded for this user.' : 'CloudTrail was not read for this case.')),
    );
  } else {
    content.push(
      table(
        ['Time (UTC)', 'Event', 'Source', 'Region', 'Source IP', 'User agent'],
        trail.recentEvents.map((event) => [
          event.eventTime.replace('T', ' ').slice(0, 19),
          event.failed ? `${event.eventName} (failed sign-in attempt)` : event.eventName,
          event.eventSource,
          event.region,
          event.sourceIPAddress,
          clip(event.userAgent, 80),
        ]),
      ),
      paragraph(
        text('Events by name: '),
        text(
          Object.entries(trail.countsByEventName)
            .sort(([, a], [, b]) => b - a)
            .map(([name, count]) => `${name} ${count}`)
            .join(', '),
        ),
      ),
      paragraph(
        text(
          `Distinct source IPs: ${trail.sourceIps.join(', ')}. User agents: ${trail.userAgents.join(' | ')}.`,
        ),
      ),
    );
  }
  content.push(
    paragraph(text('Workflow execution: '), link('open in the Step Functions console', facts.executionUrl)),
  );
  return doc(...content);
}

export function commentDoc(lines: string[]): AdfDoc {
  return doc(...lines.map((line) => paragraph(text(line))));
}
