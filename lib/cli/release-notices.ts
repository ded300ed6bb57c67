import type { CaseRecord } from '../../lambdas/commons/case/record';
import { caseSubject, releaseText } from '../../lambdas/commons/case/outcome';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import { commentDoc } from '../../lambdas/commons/jira/adf';
import { callJira, jiraClient } from '../../lambdas/commons/jira/tracker';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { clock } from '../../lambdas/commons/runtime/clock';
import { slackClient, updateMessage } from '../../lambdas/commons/slack/client';
import { tripReleasedMessage } from '../../lambdas/commons/slack/quarantine-messages';
import { deciderName, formatTime } from '../../lambdas/commons/runtime/text';
import { loadConfig } from './config-file';
import { jiraSettingsOf } from './doctor-apps';
import type { CommandIo } from './io';
import { readStoredSecret } from './secret';

/**
 * After `release` took a closed case's user out of quarantine, two places still say the user is
 * quarantined: the trip message in Slack, and the ticket's closing comment in Jira. The message is
 * replaced by the release as the case record holds it, and the ticket gets a comment saying so.
 * The release is done and recorded first, so a Slack or Jira that is down, a deleted message or a
 * secret the operator cannot read loses nothing but that notice, and the command says which.
 */

export interface ReleaseNoticeSources {
  readonly table: string;
  /** The Slack and Jira secrets, as named by the flags or the environment. */
  readonly slackSecret: string | undefined;
  readonly jiraSecret: string | undefined;
}

/** Whether a notice now shows the release, and if not, why (the service's own error). */
type Notice =
  | { readonly shown: 'none' | 'before' }
  | { readonly shown: true }
  | { readonly shown: false; readonly why: string };

const unnamed = (kind: 'Slack' | 'Jira', flag: string, output: string, variable: string): Notice => ({
  shown: false,
  why: `no ${kind} secret was named (${flag}, the stack's ${output} output, or ${variable})`,
});

async function updateTripMessage(record: CaseRecord, secretId: string | undefined): Promise<Notice> {
  const quarantine = record.quarantine!;
  const ts = quarantine.tripMessageTs;
  if (!ts) return { shown: 'none' };
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

/** The ticket's comment on the release, in the words of the trip message's release. */
export function releaseComment(record: CaseRecord): string[] {
  const quarantine = record.quarantine!;
  return [
    `Released from quarantine after this case closed: ${caseSubject(record)}. Released by ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')} at ${formatTime(quarantine.releasedAt!)} with iam-janitor release: ${releaseText(record)}.`,
    'The closing comment above said the user stays quarantined: it no longer is.',
  ];
}

/**
 * Comments the release on the case's ticket, once: a release through the open case's workflow was
 * told by its own closing comment, and one commented before (`releaseCommentedAt`) is not again.
 */
async function commentOnTicket(record: CaseRecord, sources: ReleaseNoticeSources): Promise<Notice> {
  const jiraKey = record.jiraKey;
  if (!jiraKey || record.outcome === 'released') return { shown: 'none' };
  if (record.quarantine!.releaseCommentedAt) return { shown: 'before' };
  if (!sources.jiraSecret) return unnamed('Jira', '--jira-secret', 'JiraSecretName', 'JIRA_SECRET_ARN');
  try {
    const { jiraEmail, jiraApiToken } = await readStoredSecret('jira', sources.jiraSecret);
    const settings = { ...jiraSettingsOf(loadConfig()), email: jiraEmail, apiToken: jiraApiToken };
    const client = await jiraClient(settings);
    await callJira('comment the release', () =>
      client.issueComments.addComment({
        issueIdOrKey: jiraKey,
        comment: commentDoc(releaseComment(record)) as never,
      }),
    );
  } catch (error) {
    // callJira's and readStoredSecret's messages name the cause, never the request or a credential.
    return { shown: false, why: (error as Error).message };
  }
  await new QuarantineStore(documentClient(), sources.table).recordReleaseCommented(
    record.caseId,
    clock.now().toISOString(),
  );
  return { shown: true };
}

/**
 * Tells Slack and Jira of a released record and says what came of each: exit 0 when both show the
 * release (or the case has neither a trip message nor a ticket to tell), 1 when one still shows
 * the quarantine.
 */
export async function showRelease(
  record: CaseRecord,
  sources: ReleaseNoticeSources,
  io: CommandIo,
): Promise<number> {
  const quarantine = record.quarantine!;
  const release = `by ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')} at ${formatTime(quarantine.releasedAt!)}`;
  const user = record.userName;
  const notices = [
    {
      notice: await updateTripMessage(record, sources.slackSecret),
      shown: `The trip message in Slack now says ${user} was released ${release}, with no button left.`,
      missed: (why: string) =>
        `the trip message in Slack was not updated: ${why}. It still says ${user} is quarantined`,
    },
    {
      notice: await commentOnTicket(record, sources),
      shown: `Ticket ${record.jiraKey} now has a comment saying ${user} was released ${release}.`,
      missed: (why: string) =>
        `ticket ${record.jiraKey} was not told: ${why}. Its closing comment still says ${user} stays quarantined`,
    },
  ];
  let code = 0;
  for (const { notice, shown, missed } of notices) {
    if (notice.shown === true) io.stdout(shown);
    if (notice.shown !== false) continue;
    code = 1;
    io.stderr(
      `The release is done and recorded (${release}), but ${missed(notice.why)}. Run the same release again to finish: the user is not released twice.`,
    );
  }
  return code;
}
