import type { CaseRecord } from '../case/record';
import { caseFacts } from '../case/case-view';
import { caseSubject } from '../case/subject';
import { clip, escapeMrkdwn, formatTime, inertLine, mention, slackLink } from '../runtime/text';
import { MAX_REASON_LENGTH, type Decision, type DecisionRecord } from '../contracts/decision';
import { ballotAction, type BallotName } from './ballots';

/** The optional reason field of the approval message; its value arrives with the button click. */
export const REASON_INPUT = { blockId: 'reason', actionId: 'reason' } as const;

/** Block Kit's limits: a message holds 50 blocks, a section 3,000 characters, a button value 2,000. */
export const BLOCK_KIT = {
  maxBlocks: 50,
  maxSectionText: 3000,
  maxButtonValue: 2000,
  maxFieldText: 2000,
  maxFields: 10,
} as const;

export type Block = Record<string, unknown>;
export const mrkdwn = (text: string, max: number = BLOCK_KIT.maxSectionText) => ({
  type: 'mrkdwn',
  text: clip(text, max),
});

export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

/** Where the approver may say why, before clicking: Slack sends it with the click. */
const REASON_BLOCK: Block = {
  type: 'input',
  block_id: REASON_INPUT.blockId,
  optional: true,
  label: { type: 'plain_text', text: 'Reason (optional, kept in the audit trail)' },
  element: {
    type: 'plain_text_input',
    action_id: REASON_INPUT.actionId,
    max_length: MAX_REASON_LENGTH,
    placeholder: { type: 'plain_text', text: 'e.g. left the company in October (HR-1234)' },
  },
};

/** The approval request: the evidence, the Jira link, and Delete (with a confirm), Disable and Keep. */
export function approvalMessage(
  record: CaseRecord,
  approvalTimeoutHours: number,
  dryRun: boolean,
  quarantineDays = 0,
): SlackMessage {
  const facts = caseFacts(record);
  const trail = facts.context?.cloudTrail;
  const credentialCase = record.candidate.kind === 'credential';
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(
          credentialCase
            ? `Stale credential: ${caseSubject(record)}`
            : record.candidate.requested
              ? `Offboarding request: ${caseSubject(record)}`
              : `Inactive IAM user: ${caseSubject(record)}`,
          150,
        ),
      },
    },
    {
      type: 'section',
      fields: facts.rows
        .slice(0, BLOCK_KIT.maxFields)
        .map(([label, value]) => mrkdwn(`*${label}*\n${escapeMrkdwn(value)}`, BLOCK_KIT.maxFieldText)),
    },
  ];
  const granted = facts.permissions.filter(([, values]) => values.length > 0);
  blocks.push({
    type: 'section',
    text: mrkdwn(
      granted.length === 0
        ? '*Permissions*\nno groups, policies or boundary'
        : `*Permissions*\n${granted.map(([label, values]) => `• ${label}: ${escapeMrkdwn(values.join(', '))}`).join('\n')}`,
    ),
  });
  if (trail && trail.recentEvents.length > 0) {
    const lines = trail.recentEvents
      .slice(0, 10)
      .map(
        (event) =>
          `\`${event.eventTime.slice(0, 16).replace('T', ' ')}\` ${escapeMrkdwn(event.eventName)}${event.failed ? ' _(failed sign-in attempt)_' : ''} · ${event.region} · ${escapeMrkdwn(event.sourceIPAddress)}`,
      );
    blocks.push({ type: 'section', text: mrkdwn(`*Recent CloudTrail events*\n${lines.join('\n')}`) });
  }
  const links = [
    record.jiraUrl ? slackLink(record.jiraUrl, record.jiraKey ?? 'ticket') : 'no ticket',
    slackLink(facts.executionUrl, 'execution'),
  ];
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `${links.join(' · ')} · no decision within ${approvalTimeoutHours} h keeps the ${credentialCase ? 'credential' : 'user'}${dryRun ? ' · *dry run: nothing will be changed*' : ''}`,
      ),
    ],
  });
  blocks.push(REASON_BLOCK);
  blocks.push({
    type: 'actions',
    block_id: 'decision',
    elements: credentialCase ? credentialButtons(record) : userButtons(record, quarantineDays),
  });
  // The notification's text is parsed as Slack text too: the subject (an account's name) is escaped.
  const subject = escapeMrkdwn(caseSubject(record));
  return credentialCase
    ? { text: `Stale credential ${subject}: deactivate or keep?`, blocks }
    : { text: `Inactive IAM user ${subject}: delete, disable or keep?`, blocks };
}

/**
 * A button of a case's ballot. Only the case id travels through Slack: the task token is a bearer
 * secret and stays in AWS. The action_id names the ballot, so that a click counts only there.
 */
export function button(
  record: CaseRecord,
  ballot: BallotName,
  decision: Decision,
  options: { style?: 'danger' | 'primary'; text?: string; confirm?: { title: string; text: string } } = {},
): Block {
  const word = options.text ?? DECISION_WORDS[decision];
  return {
    type: 'button',
    action_id: ballotAction(ballot, decision),
    ...(options.style ? { style: options.style } : {}),
    text: { type: 'plain_text', text: word },
    value: record.caseId,
    ...(options.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: options.confirm.title },
            text: mrkdwn(options.confirm.text, 300),
            confirm: { type: 'plain_text', text: word },
            deny: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
          },
        }
      : {}),
  };
}

/** Deactivate (with a confirm) and Keep: a credential case never offers to delete the user. */
function credentialButtons(record: CaseRecord): Block[] {
  const subject = escapeMrkdwn(caseSubject(record));
  return [
    button(record, 'approval', 'deactivate', {
      style: 'danger',
      confirm: {
        title: 'Deactivate this credential?',
        text:
          record.credentialId === 'password'
            ? `*${subject}* will be deleted; the user, their keys and permissions stay. A snapshot is kept.`
            : `*${subject}* will be set Inactive; the user and their other credentials stay. It can be set Active again.`,
      },
    }),
    button(record, 'approval', 'keep', { style: 'primary' }),
  ];
}

/** Delete (with a confirm; a quarantine first when quarantineDays is above 0), Disable and Keep. */
function userButtons(record: CaseRecord, quarantineDays: number): Block[] {
  const user = `*${escapeMrkdwn(record.userName)}*`;
  return [
    button(record, 'approval', 'delete', {
      style: 'danger',
      ...(quarantineDays > 0 ? { text: deleteWord(quarantineDays) } : {}),
      confirm:
        quarantineDays > 0
          ? {
              title: 'Quarantine, then delete?',
              text: `${user} will be denied everything (AWSDenyAll) for ${days(quarantineDays)}, with every credential left in place and checked daily: any attempt to use one stops the deletion and asks you again. Then the user and every credential, policy and group membership will be removed. A snapshot is kept for restore.`,
            }
          : {
              title: 'Delete this user?',
              text: `${user} and every credential, policy and group membership will be removed. A snapshot is kept for restore.`,
            },
    }),
    button(record, 'approval', 'disable'),
    button(record, 'approval', 'keep', { style: 'primary' }),
  ];
}

/** What a request no longer shows once answered: the buttons, the reason field and the deadline. */
const ANSWERED_BLOCKS = new Set(['actions', 'input', 'context']);

/** Each decision as its button reads. */
export const DECISION_WORDS = {
  delete: 'Delete',
  disable: 'Disable',
  keep: 'Keep',
  deactivate: 'Deactivate',
  release: 'Release',
} as const;

const days = (count: number) => `${count} day${count === 1 ? '' : 's'}`;

/** The Delete button's words, which say what it does: `Quarantine for 14 days, then delete`. */
export function deleteWord(quarantineDays: number): string {
  return quarantineDays > 0 ? `Quarantine for ${days(quarantineDays)}, then delete` : DECISION_WORDS.delete;
}

/** The request once decided: the buttons give way to who decided what. */
export function decidedMessage(
  record: CaseRecord,
  decision: DecisionRecord,
  options: { note?: string; quarantineDays?: number } = {},
): SlackMessage {
  const { note, quarantineDays = 0 } = options;
  const original = approvalMessage(record, 0, false).blocks.filter(
    (block) => !ANSWERED_BLOCKS.has(String(block.type)),
  );
  const word = DECISION_WORDS[decision.decision];
  // The button's label is not a noun: what a Delete means here is said beside its word.
  const quarantined =
    decision.decision === 'delete' && quarantineDays > 0
      ? ` (a quarantine of ${days(quarantineDays)} first)`
      : '';
  const line =
    `${mention(decision.decidedBy)} chose *${word}*${quarantined}${decision.firstApprover ? ` after ${mention(decision.firstApprover)}` : ''} at ${formatTime(decision.decidedAt)}${note ? ` · ${note}` : ''}` +
    (decision.reason ? `\nReason: ${inertLine(decision.reason)}` : '');
  return {
    text: `${escapeMrkdwn(caseSubject(record))}: ${word} by ${escapeMrkdwn(decision.decidedBy)}`,
    blocks: [...original, { type: 'section', text: mrkdwn(line) }],
  };
}

/** The request after it expired, with the buttons removed. */
export function expiredMessage(record: CaseRecord): SlackMessage {
  const original = approvalMessage(record, 0, false).blocks.filter(
    (block) => !ANSWERED_BLOCKS.has(String(block.type)),
  );
  return {
    text: `${escapeMrkdwn(caseSubject(record))}: no decision, kept`,
    blocks: [
      ...original,
      {
        type: 'section',
        text: mrkdwn(
          `*Expired*: no decision arrived in time, so the ${record.candidate.kind === 'credential' ? 'credential' : 'user'} was kept.`,
        ),
      },
    ],
  };
}
