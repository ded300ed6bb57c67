import type { Decision, DecisionRecord } from '../contracts/decision';
import { deciderName, formatTime, inertLine, sentence } from '../runtime/text';
import { choiceDelivered } from './lifecycle';
import type { QuarantineAttempt, QuarantineBreach, QuarantineRecord } from './record';

/** A quarantine in words: its paragraph in the record and the ticket, its attempts, its choices. */

/** The button a choice after a quarantine tripped was made with: Delete now, or Release. */
export const tripChoiceWord = (decision: Decision) => (decision === 'delete' ? 'Delete now' : 'Release');

/**
 * A choice after the trip that Step Functions never took (SendTaskSuccess failed, and no later click
 * delivered one): it is in the record but nothing carried it out, so no text may say it was chosen
 * without saying so. A release carried out is delivered whatever the record says of its delivery.
 */
const undelivered = (quarantine: QuarantineRecord) =>
  quarantine.trippedAt !== undefined &&
  quarantine.decision !== undefined &&
  !choiceDelivered(quarantine) &&
  quarantine.releasedAt === undefined;

/**
 * The quarantine in one paragraph: when, with what, and every attempt seen. `held` says whether
 * the deny still holds the user (quarantineHeld of the case: the outcome knows a deletion);
 * without it, the quarantine's own fields decide.
 */
export function quarantineText(quarantine: QuarantineRecord, held = heldByItself(quarantine)): string {
  if (!quarantine.appliedAt)
    return `Quarantine: did not complete (the deny policy ${quarantine.policyArn} and its tags were not all applied; see the outcome).`;
  const attempts = quarantine.attempts;
  const choice = quarantine.decision;
  const chosen = choice
    ? ` After the trip, ${tripChoiceWord(choice.decision)} was chosen by ${deciderName(choice.decidedBy)} at ${formatTime(choice.decidedAt)}${undelivered(quarantine) ? ', but it never reached the workflow (its delivery failed and nobody chose again before the wait ended), so it was never carried out' : ''}.${choice.reason ? ` Reason: ${sentence(choice.reason)}` : ''}`
    : '';
  const released = quarantine.releasedAt
    ? ` Released at ${formatTime(quarantine.releasedAt)} by ${quarantine.releasedBy ? deciderName(quarantine.releasedBy) : 'unknown'}.`
    : quarantine.userGoneAt
      ? ` At ${formatTime(quarantine.userGoneAt)} no IAM user held its id under any name (deleted by someone else): nothing was left to release.`
      : '';
  const others = (quarantine.breaches ?? []).filter((breach) => breach.kind !== 'deny-detached');
  return (
    `Quarantine: ${deniedSpan(quarantine, held)}; ` +
    (attempts.length === 0
      ? quarantine.trippedAt
        ? 'no attempt to use its credentials was seen.'
        : silenceText(quarantine.lastCheckedAt)
      : `${attempts.length} attempt${attempts.length === 1 ? '' : 's'} to use its credentials: ${attempts.map(attemptText).join('; ')}.`) +
    others.map((breach) => ` Tripped: ${breachText(breach)}.`).join('') +
    chosen +
    released
  );
}

/** The deny taken off by someone else during the quarantine, and off when the watcher looked. */
export const denyTakenOff = (quarantine: Pick<QuarantineRecord, 'breaches'>) =>
  quarantine.breaches?.find((breach) => breach.kind === 'deny-detached' && !breach.putBack);

/** The deny taken off at some time during the quarantine, put back since or not. */
const denyWasOff = (quarantine: Pick<QuarantineRecord, 'breaches'>) =>
  quarantine.breaches?.find((breach) => breach.kind === 'deny-detached');

/**
 * The time the user was denied everything, as it happened: never a time it was not, and never the
 * planned end of a window that ended otherwise (released, tripped and held, deleted, gone).
 */
function deniedSpan(quarantine: QuarantineRecord, held: boolean): string {
  const policy = `denied everything (${quarantine.policyArn})`;
  const from = `${policy} from ${formatTime(quarantine.startedAt)}`;
  const detached = denyWasOff(quarantine);
  if (!detached) return `${from}${windowEnd(quarantine, held)}`;
  if (detached.putBack)
    return `${from}, except for a time; ${breachText(detached)}${windowEnd(quarantine, held)}`;
  const until = detached.at
    ? formatTime(detached.at)
    : `some time before ${formatTime(quarantine.trippedAt ?? quarantine.endsAt)}, when it was found gone`;
  return `${from} until ${until}: ${breachText(detached)}, so the user has not been denied anything since`;
}

/** How the window ended, or that it has not: after `from <start>`. */
function windowEnd(quarantine: QuarantineRecord, held: boolean): string {
  if (quarantine.releasedAt) return ` until it was released at ${formatTime(quarantine.releasedAt)}`;
  if (quarantine.userGoneAt)
    return ` until the user was deleted by someone else, found gone at ${formatTime(quarantine.userGoneAt)}`;
  const deleteNow = quarantine.decision?.decision === 'delete' ? quarantine.decision : undefined;
  if (!held && deleteNow)
    return ` until its deletion, after Delete now at ${formatTime(deleteNow.decidedAt)}`;
  if (!held && quarantine.verdict === 'silent')
    return ` until ${formatTime(quarantine.endsAt)}, then deleted`;
  if (!held) return ', no longer in place';
  if (quarantine.trippedAt)
    return `, and still in place with no end: it tripped at ${formatTime(quarantine.trippedAt)} and stays until someone releases or deletes the user`;
  if (quarantine.renamedTo)
    return `, and still in place on the user, renamed ${quarantine.renamedTo}: the watch ended when it found the new name`;
  if (quarantine.verdict === 'silent')
    return `, watched until ${formatTime(quarantine.endsAt)} as planned, and still in place: no deletion followed`;
  return `, still in place; to end at ${formatTime(quarantine.endsAt)} if nobody tries its credentials`;
}

/** Without the case's outcome: the deny holds unless a release, a gone user or Delete now took it. */
const heldByItself = (quarantine: QuarantineRecord) =>
  !quarantine.releasedAt &&
  !quarantine.userGoneAt &&
  !(quarantine.decision?.decision === 'delete' && choiceDelivered(quarantine)) &&
  !(quarantine.verdict === 'changed' && !quarantine.renamedTo);

/** One breach in words: what changed, by whom and when CloudTrail says. */
export function breachText(breach: QuarantineBreach): string {
  const who = breach.by ? ` by ${breach.by}` : '';
  const when = breach.at ? ` at ${formatTime(breach.at)}` : '';
  if (breach.kind === 'deny-detached' && breach.putBack)
    return `${breach.detail} (taken off${who || ' by someone else'}${when})`;
  if (breach.kind === 'deny-detached')
    return `${breach.detail}, taken off${who || ' by someone else'}${when}`;
  if (breach.kind === 'permissions-changed') return `its permissions changed: ${breach.detail}${who}${when}`;
  return `not everything could be watched: ${breach.detail}`;
}

/** Why the quarantine tripped, in one clause: attempts, a deny taken off, permissions, a blind spot. */
export function tripReason(quarantine: Pick<QuarantineRecord, 'attempts' | 'breaches'>): string {
  const reasons = [
    ...(quarantine.attempts.length > 0 ? ['someone tried its credentials'] : []),
    ...(denyWasOff(quarantine) ? ['someone took its deny policy off'] : []),
    ...(quarantine.breaches?.some((breach) => breach.kind === 'permissions-changed')
      ? ['its permissions changed']
      : []),
    ...(quarantine.breaches?.some((breach) => breach.kind === 'not-watched')
      ? ['part of where an attempt is recorded could not be read']
      : []),
  ];
  return reasons.length <= 1
    ? (reasons[0] ?? 'it tripped')
    : `${reasons.slice(0, -1).join(', ')} and ${reasons.at(-1)}`;
}

/**
 * CloudTrail's usual delay before an event can be looked up: it delivers most within minutes,
 * and AWS promises no bound, so the last check of a silent quarantine cannot vouch for the last
 * minutes before it.
 */
export const CLOUDTRAIL_DELAY_MINUTES = 15;

/** What a quarantine with no attempt can say: up to when it looked, and what it could not see. */
function silenceText(lastCheckedAt: string | undefined): string {
  if (!lastCheckedAt) return 'no attempt to use its credentials was seen.';
  return (
    `no attempt to use its credentials was seen up to the last check, at ${formatTime(lastCheckedAt)}. ` +
    "CloudTrail, the only record of an SSH key's or a service-specific credential's use, usually shows a call " +
    `within ${CLOUDTRAIL_DELAY_MINUTES} minutes and does not promise to: an attempt in the ${CLOUDTRAIL_DELAY_MINUTES} minutes before that check may not have been seen.`
  );
}

/** `access key AKIA… at 2026-11-25 10:00 UTC: ListBuckets (s3.amazonaws.com) in us-east-1 from 203.0.113.9, refused (AccessDenied)` */
export function attemptText(attempt: QuarantineAttempt): string {
  const what = attempt.eventName
    ? `: ${attempt.eventName}${attempt.eventSource ? ` (${attempt.eventSource})` : ''}`
    : ` (${attempt.seenIn})`;
  const where = [
    attempt.region ? ` in ${attempt.region}` : '',
    attempt.sourceIPAddress ? ` from ${attempt.sourceIPAddress}` : '',
  ].join('');
  const refused = attempt.errorCode ? `, refused (${attempt.errorCode})` : '';
  const credential = /^AKIA|^ASIA/.test(attempt.credential)
    ? `access key ${attempt.credential}`
    : attempt.credential;
  return `${credential} at ${formatTime(attempt.at)}${what}${where}${refused}${alsoSeenText(attempt)}`;
}

/** The other sources of one attempt: `; also seen in IAM as the key's last use`. */
function alsoSeenText(attempt: QuarantineAttempt): string {
  const others = (attempt.alsoSeenIn ?? []).map((source) =>
    source === 'CloudTrail'
      ? 'CloudTrail'
      : `IAM as the ${source === 'password last used' ? "password's" : "key's"} last use`,
  );
  return others.length > 0 ? `; also seen in ${others.join(' and ')}` : '';
}

/** The trip's opening words: why, since when, and what holds now. */
export function tripStory(quarantine: QuarantineRecord): string {
  const why = tripReason(quarantine);
  const reason = `${why.charAt(0).toUpperCase()}${why.slice(1)} during its quarantine (since ${formatTime(quarantine.startedAt)}).`;
  if (denyTakenOff(quarantine))
    return `${reason} The deletion is stopped. The deny is off, so the user is not denied anything now; iam-janitor does not put it back: choose Release (takes off the quarantine tags) or Delete now.`;
  const because =
    quarantine.attempts.length > 0 ? ', because whoever tried may hold a leaked credential' : '';
  return `${reason} The deletion is stopped, and the user stays quarantined: it is never released on its own${because}.`;
}

/** The ending's reason, named as its decision's; none after an unanswered trip (the Delete's was for a deletion not done). */
export function endingReason({
  decision,
  quarantine,
}: {
  readonly decision?: DecisionRecord;
  readonly quarantine?: QuarantineRecord;
}): string {
  const [word, given] = quarantine?.decision
    ? [`The reason for ${tripChoiceWord(quarantine.decision.decision)}`, quarantine.decision.reason]
    : [`The approver's reason`, quarantine?.trippedAt ? undefined : decision?.reason];
  return given ? ` ${word}: ${inertLine(given)}` : '';
}
