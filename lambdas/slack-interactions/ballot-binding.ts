import { escapeMrkdwn } from '../commons/runtime/text';
import type { CaseRecord } from '../commons/case/record';
import { awaitsTripChoice } from '../commons/case/lifecycle';
import type { Decision } from '../commons/contracts/decision';
import {
  BALLOTS,
  messageLink,
  type BallotName,
  type ClickedAction,
  type PostedMessage,
} from '../commons/slack/ballots';
import type { Refusal } from './authorize';

/** A click as it counts: on the ballot of the message it was cast on. */
export interface BoundClick {
  readonly ballot: BallotName;
  readonly decision: Decision;
}

/** Each ballot's message, as the case record holds what was posted. */
export function postedBallots(record: CaseRecord): Record<BallotName, PostedMessage | undefined> {
  const trip = record.quarantine?.tripMessageTs;
  return {
    approval: record.slackTs ? { channel: record.slackChannel, ts: record.slackTs } : undefined,
    'after-trip': trip
      ? { channel: record.quarantine?.tripMessageChannel ?? record.slackChannel, ts: trip }
      : undefined,
  };
}

const sameMessage = (posted: PostedMessage | undefined, clicked: PostedMessage) =>
  posted?.ts !== undefined && posted.ts === clicked.ts && posted.channel === clicked.channel;

/**
 * Binds a click to the ballot of the message it was cast on (Slack names the message: channel and
 * ts), never to whichever ballot the case holds open now: after a trip, the approval request's
 * Delete is not Delete now. A button that names another ballot than its message's, a message this
 * case did not post, and a request replaced by the trip are each refused, with where to click instead.
 */
export function bindClick(
  record: CaseRecord,
  action: ClickedAction,
  clicked: PostedMessage,
): BoundClick | Refusal {
  const posted = postedBallots(record);
  const ballot =
    BALLOTS.find((name) => sameMessage(posted[name], clicked)) ??
    // The first request, whose posting answer was lost: no message is recorded yet, and nothing
    // else can have been posted for the case (the retried request step delivers the decision).
    (!posted.approval && !posted['after-trip'] && !awaitsTripChoice(record) ? 'approval' : undefined);
  if (!ballot || (action.ballot && action.ballot !== ballot))
    return stale(record, ballot ? 'a button of another ballot' : 'a message the case no longer uses');
  if (ballot === 'approval' && awaitsTripChoice(record))
    return stale(record, 'the approval request after a trip');
  return { ballot, decision: action.decision };
}

/** Why a click counts nowhere, and where the case's open ballot is. */
function stale(record: CaseRecord, what: string): Refusal {
  const tripped = awaitsTripChoice(record);
  const open = postedBallots(record)[tripped ? 'after-trip' : 'approval'];
  const link = open && messageLink(open);
  const where = link ? `<${link}|this message>` : 'the case thread';
  return {
    reason: `click on ${what}`,
    message: tripped
      ? `This request was replaced when ${escapeMrkdwn(record.userName)}'s quarantine tripped: its decision was already carried out as a quarantine, and only the buttons in ${where} (Release or Delete now) decide what follows. This click changed nothing.`
      : `This message no longer decides ${escapeMrkdwn(record.userName)}'s case ${escapeMrkdwn(record.caseId)}: use the buttons in ${where}. This click changed nothing.`,
  };
}
