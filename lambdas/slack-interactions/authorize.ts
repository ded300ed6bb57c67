import { escapeMrkdwn, formatTime, mention } from '../commons/runtime/text';
import { tripChoiceWord } from '../commons/case/quarantine-text';
import type { CaseRecord } from '../commons/case/record';
import { isWatched } from '../commons/case/lifecycle';
import { configForAccount, type JanitorConfig } from '../commons/config/config';
import {
  AFTER_TRIP_DECISIONS,
  DECISIONS_FOR,
  type Decision,
  type DecisionRecord,
} from '../commons/contracts/decision';
import type { BallotName } from '../commons/slack/ballots';
import { DECISION_WORDS } from '../commons/slack/messages';
import { identityOf, isSelf } from '../commons/slack/self-decision';

/**
 * Who may decide what, as pure functions of the config, the case record and the click: each says
 * why a click is refused, or nothing. The handler asks them in order and acts only when all are
 * silent.
 */
export interface Refusal {
  /** For the logs and the rejected-requests metric. */
  readonly reason: string;
  /** What the clicker is told, privately. */
  readonly message: string;
}

/** Nobody outside the approver lists decides anything, whatever the case. */
export function refuseStranger(config: JanitorConfig, userId: string): Refusal | undefined {
  const anywhere = new Set([
    ...config.approverSlackUserIds,
    ...Object.values(config.accountOverrides).flatMap((overrides) => overrides.approverSlackUserIds ?? []),
  ]);
  if (anywhere.has(userId)) return undefined;
  return {
    reason: 'not an approver',
    message:
      'You are not allowed to decide iam-janitor cases. Ask an approver listed in approverSlackUserIds.',
  };
}

/** Organization mode: an account with its own approvers is decided by them, and by nobody else. */
export function refuseOtherAccount(
  config: JanitorConfig,
  record: CaseRecord,
  userId: string,
): Refusal | undefined {
  const approvers = configForAccount(config, record.candidate.accountId).approverSlackUserIds;
  if (approvers.includes(userId)) return undefined;
  return {
    reason: 'not an approver of the account',
    message: `You are not an approver of AWS account ${record.candidate.accountId}; ask one of its approvers (accountOverrides).`,
  };
}

/**
 * The ballot and the case's kind decide which buttons count, never the payload: a forged "delete"
 * on a credential case, "deactivate" on a user case, or "disable" after a trip changes nothing.
 * Cases opened before credential cases existed carry no kind: they are user cases.
 */
export function refuseDecision(
  record: CaseRecord,
  ballot: BallotName,
  decision: Decision,
): Refusal | undefined {
  if (isWatched(record))
    return { reason: `decision ${decision} during a quarantine`, message: duringQuarantine(record) };
  if (ballot === 'after-trip') {
    if (AFTER_TRIP_DECISIONS.includes(decision)) return undefined;
    return {
      reason: `decision ${decision} after a quarantine trip`,
      message: `${escapeMrkdwn(record.userName)}'s quarantine tripped: it takes Release or Delete now, not ${DECISION_WORDS[decision]}; nothing changed.`,
    };
  }
  const kind = record.candidate.kind ?? 'user';
  if (DECISIONS_FOR[kind].includes(decision)) return undefined;
  return {
    reason: `decision ${decision} on a ${kind} case`,
    message: `A ${kind} case takes ${orList(DECISIONS_FOR[kind].map((word) => DECISION_WORDS[word]))}, not ${DECISION_WORDS[decision]}; nothing changed.`,
  };
}

/**
 * Nobody decides about themselves: the user's own Slack id or e-mail, in their identity tag, is
 * refused, and so is a clicker whose e-mail could not be read when the tag holds an e-mail.
 */
export function refuseSelf(
  config: JanitorConfig,
  record: CaseRecord,
  userId: string,
  email: { unknown: string } | string,
): Refusal | undefined {
  const identity = identityOf(record.context?.iam.tags ?? {}, config.approverIdentityTagKey);
  if (!identity) return undefined;
  const knownEmail = typeof email === 'string' && email.includes('@') ? email : undefined;
  const self = isSelf(identity, { slackId: userId, email: knownEmail });
  if (self === false) return undefined;
  return {
    reason: 'self-approval',
    message:
      self === true
        ? `You cannot decide a case about yourself (${escapeMrkdwn(record.userName)} is tagged with your ${identity.includes('@') ? 'e-mail' : 'Slack id'}); another approver must.`
        : `${escapeMrkdwn(record.userName)} is tagged with an e-mail, and your e-mail could not be read to rule out that this case is about you (${typeof email === 'string' ? 'Slack gave no e-mail' : email.unknown}); another approver must decide, or grant the users:read.email scope.`,
  };
}

/**
 * Why a click counts for nothing while the case is in its quarantine, as the quarantine stands: a
 * watch still going, a trip whose message is on its way, a release asked for, or a watch that has
 * ended and handed the case on. "Watched until" is said only of a watch still going.
 */
function duringQuarantine(record: CaseRecord): string {
  const user = escapeMrkdwn(record.userName);
  const quarantine = record.quarantine;
  if (quarantine?.trippedAt)
    return `${user}'s quarantine tripped at ${formatTime(quarantine.trippedAt)}: the attempts, with Release and Delete now, are being posted in the case thread, and only those buttons decide what follows. This click changed nothing.`;
  if (quarantine?.decision)
    return `A ${tripChoiceWord(quarantine.decision.decision)} of ${user} by ${mention(quarantine.decision.decidedBy)} is recorded and being carried out; this click changed nothing.`;
  if (quarantine?.verdict)
    return `The watch of ${user}'s quarantine has ended (${quarantine.verdict === 'silent' ? 'no attempt seen: the deletion is under way' : 'the user changed: the case is closing'}); this click changed nothing. The thread will show how the case ends.`;
  const until = quarantine ? formatTime(quarantine.endsAt) : 'its end';
  return `${user} is quarantined and watched until ${until}: no click decides anything meanwhile. \`iam-janitor release --case ${escapeMrkdwn(record.caseId)}\` takes it out. This click changed nothing.`;
}

/** What a twoPersonDelete click became: the first approval (nothing more to do), or the second. */
export type SecondApproval =
  | { readonly waiting: string }
  | {
      readonly firstApprover?: Pick<
        DecisionRecord,
        'firstApprover' | 'firstApproverEmail' | 'firstApproverName'
      >;
    };

/**
 * With twoPersonDelete, an irreversible decision needs two approvers who click the same button:
 * `first` is what recording this click as a first approval found.
 */
export function secondApproval(
  first: { readonly won: boolean; readonly existing?: CaseRecord },
  decision: DecisionRecord,
  userName: string,
): SecondApproval {
  const word = DECISION_WORDS[decision.decision];
  if (first.won)
    return {
      waiting: `Your *${word}* for ${escapeMrkdwn(userName)} is recorded. It cannot be fully undone, so a second approver must also click *${word}* before anything changes.`,
    };
  const earlier = first.existing?.firstApproval;
  // A case already decided: the decision's own claim says so.
  if (!earlier || first.existing?.decision) return {};
  if (earlier.decidedBy === decision.decidedBy)
    return { waiting: `You already approved this ${word}: a different approver must click *${word}* too.` };
  if (earlier.decision !== decision.decision)
    return {
      waiting: `${mention(earlier.decidedBy)} approved *${DECISION_WORDS[earlier.decision]}*; a second approval counts only for the same decision, so nothing changed. Click *${DECISION_WORDS[earlier.decision]}* to confirm it, or *Keep*.`,
    };
  return {
    firstApprover: {
      firstApprover: earlier.decidedBy,
      ...(earlier.decidedByEmail ? { firstApproverEmail: earlier.decidedByEmail } : {}),
      ...(earlier.decidedByName ? { firstApproverName: earlier.decidedByName } : {}),
    },
  };
}

/** `Delete, Disable or Keep` */
function orList(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
