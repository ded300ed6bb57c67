import type { CaseRecord } from '../case/record';
import { caseSubject } from '../case/subject';
import { caseFacts } from '../case/case-view';
import { clip, deciderName, sentence } from '../runtime/text';
import type { CloudTrailSummary } from '../cloudtrail/lookup';

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

/**
 * Jira refuses a description or a comment over 32,767 characters (400, CONTENT_LIMIT_EXCEEDED), and
 * says nowhere how it counts a document: its body as sent, serialized, is never shorter than what
 * Jira could count. 32,000 of it leaves room for what a count of Jira's may see that ours does not.
 */
export const JIRA_BODY_MAX_LENGTH = 32_000;

export const bodyLength = (body: AdfDoc) => JSON.stringify(body).length;

/**
 * How many items each list of the description shows, tried in turn until the body fits: the
 * longest lists are cut first, and a list within the limit is never touched. A case with ordinary
 * evidence fits at the first, which cuts nothing.
 */
const LIST_LIMITS = [Infinity, 50, 20, 10, 5, 3, 1];
/** The lengths a text is cut to, tried in turn; a cut text says how much of it is not shown. */
const TEXT_LIMITS = [2000, 1000, 500, 200, 100];

/** A list's first `limit` items, then "… N more not shown" for the rest. */
function shown(items: readonly string[], limit: number): string[] {
  if (items.length <= limit) return [...items];
  return [...items.slice(0, limit), notShown(items.length - limit)];
}
const notShown = (hidden: number, what = 'more') => `… ${hidden} ${what} not shown`;

/** Text over `max` characters, cut between characters and followed by how many were left out. */
function clipped(value: string, max: number): string {
  if (value.length <= max) return value;
  const kept = clip(value, max).slice(0, -1); // without clip's own "…": the count says it
  return `${kept}${notShown(value.length - kept.length, 'more characters')}`;
}

/** Every text of the document held to `max` characters: the last resort of a body that does not fit. */
function clipTexts(node: AdfNode, max: number): AdfNode {
  return {
    ...node,
    ...(node.text === undefined ? {} : { text: clipped(node.text, max) }),
    ...(node.content ? { content: node.content.map((child) => clipTexts(child, max)) } : {}),
  };
}

/**
 * The first of `candidates` (built from the fullest to the shortest) whose body fits in Jira, else
 * the shortest with every text cut until it fits: a body Jira refuses would cost the case its ticket.
 */
function fitting(candidates: Iterable<AdfDoc>): AdfDoc {
  let shortest: AdfDoc | undefined;
  for (const candidate of candidates) {
    if (bodyLength(candidate) <= JIRA_BODY_MAX_LENGTH) return candidate;
    shortest = candidate;
  }
  for (const max of TEXT_LIMITS) {
    const cut = doc(...shortest!.content.map((node) => clipTexts(node, max)));
    if (bodyLength(cut) <= JIRA_BODY_MAX_LENGTH) return cut;
  }
  throw new Error('a Jira body could not be cut to fit: its structure alone is over the limit');
}

/**
 * The ticket description: facts, permissions, recent CloudTrail events, and the execution link,
 * within Jira's limit (`JIRA_BODY_MAX_LENGTH`).
 */
export function caseDescription(record: CaseRecord, quarantineDays = 0): AdfDoc {
  return fitting(
    (function* () {
      for (const limit of LIST_LIMITS) yield describeCase(record, quarantineDays, limit);
    })(),
  );
}

function describeCase(record: CaseRecord, quarantineDays: number, limit: number): AdfDoc {
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
      : bulletList(granted.map(([label, values]) => `${label}: ${shown(values, limit).join(', ')}`)),
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
    content.push(...trailNodes(trail, limit));
  }
  content.push(
    paragraph(text('Workflow execution: '), link('open in the Step Functions console', facts.executionUrl)),
  );
  return doc(...content);
}

/** The events table, the counts by name, the source IPs and user agents, each list within `limit`. */
function trailNodes(trail: CloudTrailSummary, limit: number): AdfNode[] {
  const rows = trail.recentEvents
    .slice(0, limit)
    .map((event) => [
      event.eventTime.replace('T', ' ').slice(0, 19),
      event.failed ? `${event.eventName} (failed sign-in attempt)` : event.eventName,
      event.eventSource,
      event.region,
      event.sourceIPAddress,
      clip(event.userAgent, 80),
    ]);
  const hiddenEvents = trail.recentEvents.length - rows.length;
  const byName = Object.entries(trail.countsByEventName)
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => `${name} ${count}`);
  return [
    table(['Time (UTC)', 'Event', 'Source', 'Region', 'Source IP', 'User agent'], rows),
    ...(hiddenEvents > 0 ? [paragraph(text(notShown(hiddenEvents, 'more recent events')))] : []),
    paragraph(text('Events by name: '), text(shown(byName, limit).join(', '))),
    paragraph(
      text(
        `Distinct source IPs: ${shown(trail.sourceIps, limit).join(', ')}. User agents: ${shown(trail.userAgents, limit).join(' | ')}.`,
      ),
    ),
  ];
}

/**
 * A comment of one paragraph a line, within Jira's limit: when it does not fit, the longest lines
 * are cut first (each saying how much of it is not shown), then the last lines are left out, and
 * a last paragraph says how many.
 */
export function commentDoc(lines: string[]): AdfDoc {
  return fitting(commentCandidates(lines));
}

const paragraphs = (lines: string[]) => doc(...lines.map((line) => paragraph(text(line))));

function* commentCandidates(lines: string[]): Generator<AdfDoc> {
  for (const max of [Infinity, ...TEXT_LIMITS]) yield paragraphs(lines.map((line) => clipped(line, max)));
  const shortest = lines.map((line) => clipped(line, TEXT_LIMITS.at(-1)!));
  // Room for the closing line's count at its widest, so that the count it says can only be smaller.
  let room = JIRA_BODY_MAX_LENGTH - bodyLength(paragraphs([notShown(lines.length, 'more lines')]));
  const kept: string[] = [];
  for (const line of shortest) {
    const cost = JSON.stringify(paragraph(text(line))).length + 1; // and its comma
    if (cost > room) break;
    room -= cost;
    kept.push(line);
  }
  yield paragraphs([...kept, notShown(lines.length - kept.length, 'more lines')]);
}
