import type { CaseRecord } from '../../lambdas/commons/case/record';
import { quarantinedName } from '../../lambdas/commons/case/outcome';
import { slackClient, updateMessage } from '../../lambdas/commons/slack/client';
import { tripReleasedMessage } from '../../lambdas/commons/slack/quarantine-messages';
import { deciderName, formatTime } from '../../lambdas/commons/runtime/text';
import type { CommandIo } from './io';
import {
  commentOnTicket,
  goneAfterClose,
  heldAtClose,
  unnamed,
  type Notice,
  type ReleaseNoticeSources,
} from './release-comment';
import { readStoredSecret } from './secret';

/**
 * After `release` took a closed case's user out of quarantine (or found it deleted), two places
 * may still say the user is quarantined: the trip message in Slack, and the ticket's closing
 * comment in Jira. The message is replaced by what the case record holds, and the ticket gets a
 * comment saying so (lib/cli/release-comment.ts).
 * The release is done and recorded first, so a Slack or Jira that is down, a deleted message or a
 * secret the operator cannot read loses nothing but that notice, and the command says which.
 */

async function updateTripMessage(record: CaseRecord, secretId: string | undefined): Promise<Notice> {
  const quarantine = record.quarantine!;
  const ts = quarantine.tripMessageTs;
  if (!ts || (!quarantine.releasedAt && !goneAfterClose(record))) return { shown: 'none' };
  const channel = quarantine.tripMessageChannel ?? record.slackChannel;
  if (!channel) return { shown: false, why: 'the case record names no channel for it' };
  if (!secretId) return unnamed('Slack', '--slack-secret', 'SlackSecretName', 'SLACK_SECRET_ARN');
  try {
    const { slackBotToken } = await readStoredSecret('slack', secretId);
    const slack = await slackClient(slackBotToken);
    await updateMessage(slack, { channel, ts }, tripReleasedMessage(record), 'update the trip message');
    return { shown: true };
  } catch (error) {
    // Every message here is written to name the cause and never a credential (callSlack, parseSecret).
    return { shown: false, why: (error as Error).message };
  }
}

/**
 * Tells Slack and Jira of a released record (or of a user `release` found deleted) and says what
 * came of each: exit 0 when both show it (or the case has neither a trip message nor a ticket to
 * tell, or another release run is telling the ticket), 1 when one still shows the quarantine.
 */
export async function showRelease(
  record: CaseRecord,
  sources: ReleaseNoticeSources,
  io: CommandIo,
): Promise<number> {
  const quarantine = record.quarantine!;
  const user = quarantinedName(record);
  const release = quarantine.releasedAt
    ? `was released by ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')} at ${formatTime(quarantine.releasedAt)}`
    : `was found deleted at ${formatTime(quarantine.userGoneAt!)}`;
  const done = quarantine.releasedAt ? 'The release is done and recorded' : 'The deleted user is recorded';
  const ticket = `ticket ${record.jiraKey}`;
  const notices = [
    {
      notice: await updateTripMessage(record, sources.slackSecret),
      shown: `The trip message in Slack now says ${user} ${release}, with no button left.`,
      missed: `the trip message in Slack was not updated`,
      still: `It still says ${user} is quarantined`,
    },
    {
      notice: await commentOnTicket(record, sources),
      shown: `Ticket ${record.jiraKey} now has a comment saying ${user} ${release}.`,
      missed: `${ticket} was not told`,
      still: heldAtClose(record)
        ? `Its closing comment still says ${user} stays quarantined`
        : `It does not say so yet`,
    },
  ];
  let code = 0;
  for (const { notice, shown, missed, still } of notices) {
    if (notice.shown === true) io.stdout(shown);
    if (notice.shown === 'found')
      io.stdout(
        `Ticket ${record.jiraKey} already had the comment saying ${user} ${release}; the case now records it.`,
      );
    if (notice.shown === 'elsewhere')
      io.stdout(
        `Another release run (${deciderName(notice.claim.by)}'s, since ${formatTime(notice.claim.at)}) is commenting on ${ticket}: this one leaves the comment to it.`,
      );
    if (notice.shown === 'unrecorded') {
      code = 1;
      io.stderr(
        `${shown} The case table did not record it (${notice.why}): run the same release again to record it; it finds the comment and posts no other.`,
      );
    }
    if (notice.shown !== false) continue;
    code = 1;
    io.stderr(
      `${done} (${user} ${release}), but ${missed}: ${notice.why}. ${still}. Run the same release again to finish: the user is not released twice.`,
    );
  }
  return code;
}
