import type { CaseRecord } from '../../lambdas/commons/case/record';
import { slackClient, updateMessage } from '../../lambdas/commons/slack/client';
import { tripReleasedMessage } from '../../lambdas/commons/slack/quarantine-messages';
import { deciderName, formatTime } from '../../lambdas/commons/runtime/text';
import type { CommandIo } from './io';
import { readStoredSecret } from './secret';

/**
 * After `release` took a closed case's user out of quarantine, the trip message in Slack still
 * says the user is quarantined: it is replaced by the release as the case record holds it. The
 * release is done and recorded first, so a Slack that is down, a deleted message or a secret the
 * operator cannot read loses nothing but this message, and the command says which.
 */

/** Whether the trip message now shows the release, and if not, why (Slack's own error code). */
type TripUpdate =
  { readonly shown: 'none' } | { readonly shown: true } | { readonly shown: false; readonly why: string };

async function updateTripMessage(record: CaseRecord, secretId: string | undefined): Promise<TripUpdate> {
  const quarantine = record.quarantine!;
  const ts = quarantine.tripMessageTs;
  if (!ts) return { shown: 'none' };
  const channel = quarantine.tripMessageChannel ?? record.slackChannel;
  if (!channel) return { shown: false, why: 'the case record names no channel for it' };
  if (!secretId)
    return {
      shown: false,
      why: "no Slack secret was named (--slack-secret, the stack's SlackSecretName output, or SLACK_SECRET_ARN)",
    };
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
 * Updates the trip message of a released record and says what came of it: exit 0 when the message
 * shows the release (or the case never posted one), 1 when it still shows the quarantine.
 */
export async function showReleaseInSlack(
  record: CaseRecord,
  secretId: string | undefined,
  io: CommandIo,
): Promise<number> {
  const quarantine = record.quarantine!;
  const update = await updateTripMessage(record, secretId);
  if (update.shown === 'none') return 0;
  const release = `by ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')} at ${formatTime(quarantine.releasedAt!)}`;
  if (update.shown) {
    io.stdout(
      `The trip message in Slack now says ${record.userName} was released ${release}, with no button left.`,
    );
    return 0;
  }
  io.stderr(
    `The release is done and recorded (${release}), but the trip message in Slack was not updated: ${update.why}. It still says ${record.userName} is quarantined. Run the same release again to update it: the user is not released twice.`,
  );
  return 1;
}
