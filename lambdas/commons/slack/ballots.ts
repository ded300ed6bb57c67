import { DECISIONS, type Decision } from '../contracts/decision';

/**
 * The ballots a case posts, each on its own message: the approval request, then (after a trip) the
 * choice between Release and Delete now. A button names its ballot in its action_id, so that a click
 * is counted on the ballot it was cast on, never on whichever ballot the case holds open now.
 */
export const BALLOTS = ['approval', 'after-trip'] as const;
export type BallotName = (typeof BALLOTS)[number];

/** `after-trip:delete`: the ballot, then the decision. */
export const ballotAction = (ballot: BallotName, decision: Decision) => `${ballot}:${decision}`;

/** What a button's action_id names; messages posted before ballots had names carry the bare decision. */
export interface ClickedAction {
  readonly ballot?: BallotName;
  readonly decision: Decision;
}

export function readAction(actionId: string): ClickedAction | undefined {
  const [first, second, ...rest] = actionId.split(':');
  if (rest.length > 0) return undefined;
  if (second === undefined) return isDecision(first) ? { decision: first } : undefined;
  if (!(BALLOTS as readonly string[]).includes(first!) || !isDecision(second)) return undefined;
  return { ballot: first as BallotName, decision: second };
}

const isDecision = (word: string | undefined): word is Decision =>
  (DECISIONS as readonly (string | undefined)[]).includes(word);

/** Where Slack shows a posted message: its channel and ts, as a click's container names them. */
export interface PostedMessage {
  readonly channel?: string;
  readonly ts?: string;
}

/** A link to a message, as Slack's clients open it. */
export const messageLink = ({ channel, ts }: PostedMessage) =>
  channel && ts ? `https://slack.com/archives/${channel}/p${ts.replace('.', '')}` : undefined;
