import type { CaseRecord } from '../case/record';
import { caseSubject } from '../case/subject';
import { quarantinedName, releaseText } from '../case/outcome';
import { choiceDelivered } from '../case/lifecycle';
import {
  attemptText,
  breachText,
  CLOUDTRAIL_DELAY_MINUTES,
  tripChoiceWord,
  tripReason,
  tripStory,
} from '../case/quarantine-text';
import type { DecisionRecord } from '../contracts/decision';
import { deciderName, escapeMrkdwn, formatTime, inertLine, mention, slackLink } from '../runtime/text';
import { BLOCK_KIT, button, mrkdwn, type Block, type SlackMessage } from './messages';

/** The most attempts a message lists; the ticket and the case record keep them all. */
const LISTED_ATTEMPTS = 10;

/** A quarantine has begun: what the user cannot do now, and when the deletion is due. */
export function quarantineStartedText(record: CaseRecord): string {
  const quarantine = record.quarantine!;
  return `${escapeMrkdwn(caseSubject(record))} is quarantined: denied everything (${quarantine.policyArn}) since ${formatTime(quarantine.startedAt)}, every credential left in place and checked daily. If nobody tries them, the user is deleted after ${formatTime(quarantine.endsAt)}; any attempt stops the deletion and asks you again, except one in the last ${CLOUDTRAIL_DELAY_MINUTES} minutes before the final check, which CloudTrail may not show yet.`;
}

/** After a trip: the attempts, and Release or Delete now. */
export function tripMessage(record: CaseRecord, approvalTimeoutHours: number): SlackMessage {
  const quarantine = record.quarantine!;
  const subject = escapeMrkdwn(caseSubject(record));
  const attempts = quarantine.attempts;
  const listed = attempts
    .slice(0, LISTED_ATTEMPTS)
    .map((attempt) => `• ${escapeMrkdwn(attemptText(attempt))}`);
  if (attempts.length > LISTED_ATTEMPTS)
    listed.push(`…and ${attempts.length - LISTED_ATTEMPTS} more, in the ticket and the case record`);
  const changed = (quarantine.breaches ?? []).map((breach) => `• ${escapeMrkdwn(breachText(breach))}`);
  const blocks: Block[] = [
    {
      type: 'section',
      text: mrkdwn(`:rotating_light: *Quarantine tripped: ${subject}.* ${tripStory(quarantine)}`),
    },
    ...(changed.length > 0
      ? [
          {
            type: 'section' as const,
            text: mrkdwn(`*What changed*\n${changed.join('\n')}`, BLOCK_KIT.maxSectionText),
          },
        ]
      : []),
    ...(listed.length > 0
      ? [
          {
            type: 'section' as const,
            text: mrkdwn(`*Attempts*\n${listed.join('\n')}`, BLOCK_KIT.maxSectionText),
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${record.jiraUrl ? `${slackLink(record.jiraUrl, record.jiraKey ?? 'ticket')} · ` : ''}no choice within ${approvalTimeoutHours} h leaves the user quarantined`,
        ),
      ],
    },
    {
      type: 'actions',
      block_id: 'after-trip',
      elements: [
        button(record, 'after-trip', 'release', {
          style: 'primary',
          confirm: {
            title: 'Release this user?',
            text: `*${escapeMrkdwn(record.userName)}*: ${escapeMrkdwn(releaseText(record))}.`,
          },
        }),
        button(record, 'after-trip', 'delete', {
          style: 'danger',
          text: 'Delete now',
          confirm: {
            title: 'Delete this user now?',
            text: `*${escapeMrkdwn(record.userName)}* and every credential, policy and group membership will be removed, although ${tripReason(quarantine)}. A snapshot of the user as it is now is kept for restore.`,
          },
        }),
      ],
    },
  ];
  return { text: `Quarantine tripped: ${subject}: release or delete now?`, blocks };
}

/**
 * What the trip message says of the trip itself, without the buttons and the deadline. Once the
 * user is released (or found deleted after the case closed), its opening (the user stays
 * quarantined) gives way to that, as recorded.
 */
const tripSections = (record: CaseRecord) => {
  const [story, ...evidence] = tripMessage(record, 0).blocks.filter((block) => block.type === 'section');
  const quarantine = record.quarantine;
  const ended = quarantine?.releasedAt || quarantine?.userGoneAt;
  return ended ? [endedSection(record), ...evidence] : [story!, ...evidence];
};

/** The case's subject, with the name IAM holds now when the user was renamed since. */
const subjectNow = (record: CaseRecord) => {
  const name = quarantinedName(record);
  return `${caseSubject(record)}${name !== record.userName ? ` (now named ${name})` : ''}`;
};

/** The release as the case record holds it: by whom, when (the record's time), and what it took off; or the user found gone. */
function endedSection(record: CaseRecord): Block {
  const quarantine = record.quarantine!;
  const subject = escapeMrkdwn(subjectNow(record));
  const tripped = quarantine.trippedAt
    ? ` Its quarantine (since ${formatTime(quarantine.startedAt)}) had tripped at ${formatTime(quarantine.trippedAt)}: ${tripReason(quarantine)}.`
    : '';
  if (!quarantine.releasedAt)
    return {
      type: 'section',
      text: mrkdwn(
        `*Found deleted: ${subject}.* At ${formatTime(quarantine.userGoneAt!)} no IAM user held its id ${escapeMrkdwn(record.userId)} under any name: nothing is quarantined, and nothing was released.${tripped}`,
      ),
    };
  const who = quarantine.releasedBy ? mention(quarantine.releasedBy) : 'someone unrecorded';
  return {
    type: 'section',
    text: mrkdwn(
      `:white_check_mark: *Released from quarantine: ${subject}.* Released by ${who} at ${formatTime(quarantine.releasedAt)}: ${escapeMrkdwn(releaseText(record))}.${tripped}`,
    ),
  };
}

/**
 * The trip message once its user was released after the case closed (`iam-janitor release` of a
 * case left quarantined), or found deleted: what happened, the trip's evidence, the ticket, and no
 * button.
 */
export function tripReleasedMessage(record: CaseRecord): SlackMessage {
  const quarantine = record.quarantine!;
  const by = quarantine.releasedBy ? deciderName(quarantine.releasedBy) : 'someone unrecorded';
  const ticket = record.jiraUrl ? [slackLink(record.jiraUrl, record.jiraKey ?? 'ticket')] : [];
  const subject = escapeMrkdwn(subjectNow(record));
  return {
    text: quarantine.releasedAt
      ? `${subject}: released from quarantine by ${escapeMrkdwn(by)} at ${formatTime(quarantine.releasedAt)}`
      : `${subject}: found deleted at ${formatTime(quarantine.userGoneAt!)}; nothing is quarantined`,
    blocks: [
      ...tripSections(record),
      ...(ticket.length > 0 ? [{ type: 'context', elements: ticket.map((link) => mrkdwn(link)) }] : []),
    ],
  };
}

/** Who chose what after the trip, with their reason. */
function choiceLine(decision: DecisionRecord): string {
  return (
    `${mention(decision.decidedBy)} chose *${tripChoiceWord(decision.decision)}* at ${formatTime(decision.decidedAt)}` +
    (decision.reason ? `\nReason: ${inertLine(decision.reason)}` : '')
  );
}

/** The trip message once answered: the buttons give way to who chose what. */
export function tripDecidedMessage(record: CaseRecord, decision: DecisionRecord): SlackMessage {
  const word = tripChoiceWord(decision.decision);
  return {
    text: `${escapeMrkdwn(caseSubject(record))}: ${word} by ${escapeMrkdwn(decision.decidedBy)}`,
    blocks: [...tripSections(record), { type: 'section', text: mrkdwn(choiceLine(decision)) }],
  };
}

/**
 * The trip message once its case ended, however it ended (no choice in time, a release from the
 * terminal, Delete now): no button is left to click, and it says how the case ended. `ending` is
 * the thread's closing reply, already Slack text.
 */
export function tripEndedMessage(record: CaseRecord, ending: string): SlackMessage {
  const quarantine = record.quarantine!;
  const choice = choiceDelivered(quarantine) ? quarantine.decision : undefined;
  const closed = `*Case closed*: ${ending}`;
  return {
    text: `${escapeMrkdwn(caseSubject(record))}: quarantine tripped, case closed`,
    blocks: [
      ...tripSections(record),
      { type: 'section', text: mrkdwn(choice ? `${choiceLine(choice)}\n${closed}` : closed) },
    ],
  };
}
