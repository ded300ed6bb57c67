import type { Decision } from '../contracts';
import { formatTime, sentence } from '../runtime/text';
import type { QuarantineAttempt, QuarantineRecord } from './record';

/** A quarantine in words: its paragraph in the record and the ticket, its attempts, its choices. */

/** The button a choice after a quarantine tripped was made with: Delete now, or Release. */
export const tripChoiceWord = (decision: Decision) => (decision === 'delete' ? 'Delete now' : 'Release');

/** The quarantine in one paragraph: when, with what, and every attempt seen. */
export function quarantineText(quarantine: QuarantineRecord): string {
  if (!quarantine.appliedAt)
    return `Quarantine: did not complete (the deny policy ${quarantine.policyArn} and its tags were not all applied; see the outcome).`;
  const attempts = quarantine.attempts;
  const choice = quarantine.decision;
  const chosen = choice
    ? ` After the trip, ${tripChoiceWord(choice.decision)} was chosen by Slack user ${choice.decidedBy} at ${formatTime(choice.decidedAt)}.${choice.reason ? ` Reason: ${sentence(choice.reason)}` : ''}`
    : '';
  const released = quarantine.releasedAt
    ? ` Released at ${formatTime(quarantine.releasedAt)} by ${quarantine.releasedBy ?? 'unknown'}.`
    : quarantine.userGoneAt
      ? ` At ${formatTime(quarantine.userGoneAt)} no IAM user held its id under any name (deleted by someone else): nothing was left to release.`
      : '';
  return (
    `Quarantine: denied everything (${quarantine.policyArn}) from ${formatTime(quarantine.startedAt)} until ${formatTime(quarantine.endsAt)}; ` +
    (attempts.length === 0
      ? silenceText(quarantine.lastCheckedAt)
      : `${attempts.length} attempt${attempts.length === 1 ? '' : 's'} to use its credentials: ${attempts.map(attemptText).join('; ')}.`) +
    chosen +
    released
  );
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
  return `${credential} at ${formatTime(attempt.at)}${what}${where}${refused}`;
}
