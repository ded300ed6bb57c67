import type { QuarantineAttempt } from '../commons/case/record';
import type { DetailedTrailEvent } from '../commons/cloudtrail/lookup';
import type { Snapshot } from '../commons/iam/snapshot';

/**
 * What a quarantined user's credentials did since the quarantine began, from the three places that
 * record an attempt the deny policy refused:
 * - IAM's last use of each access key (the last request the key signed) and of the password (a
 *   console sign-in: an identity policy does not stop authentication, only what follows it);
 * - CloudTrail's events by the user, refused ones included (errorCode AccessDenied): the only
 *   record of SSH keys and service-specific credentials, which IAM and the credential report
 *   never date; read in every enabled region for a user holding either (regions.ts), under every
 *   name the user held (names.ts).
 * IAM's last use and CloudTrail's event of the same request are one attempt, listed once with
 * both sources (sameAttempt): counted twice, a single try reads as two to a responder.
 */
export function attemptsSince(
  live: Snapshot,
  events: readonly DetailedTrailEvent[],
  since: Date,
): QuarantineAttempt[] {
  const after = (date: string | null | undefined): date is string =>
    typeof date === 'string' && Date.parse(date) > since.getTime();
  const lastUses: QuarantineAttempt[] = [];
  if (after(live.passwordLastUsed))
    lastUses.push({ at: live.passwordLastUsed, credential: 'password', seenIn: 'password last used' });
  for (const key of live.accessKeys) {
    if (!after(key.lastUsedDate)) continue;
    lastUses.push({
      at: key.lastUsedDate,
      credential: key.id,
      seenIn: 'access key last used',
      ...(key.lastUsedService && key.lastUsedService !== 'N/A' ? { eventSource: key.lastUsedService } : {}),
      ...(key.lastUsedRegion && key.lastUsedRegion !== 'N/A' ? { region: key.lastUsedRegion } : {}),
    });
  }
  const trail = events
    .filter((event) => Date.parse(event.eventTime) > since.getTime() && byUser(event, live.userId))
    .map(trailAttempt);
  return mergeLastUses(lastUses, trail).sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * How far apart IAM's last-use time and CloudTrail's event time of one request may be. Both
 * date the request, and AWS does not promise that the two agree to the second; a minute keeps
 * one request whole, and a later request within it is matched by the closest time.
 */
export const SAME_ATTEMPT_MS = 60_000;

/**
 * Each IAM last use folded into the CloudTrail event of the same request when there is one
 * (the closest in time): that event keeps its detail and names IAM as a second source. A last
 * use with no such event (a data event LookupEvents never shows) stays an attempt of its own.
 */
function mergeLastUses(lastUses: QuarantineAttempt[], trail: QuarantineAttempt[]): QuarantineAttempt[] {
  const merged = [...trail];
  for (const lastUse of lastUses) {
    const candidates = merged
      .map((attempt, index) => ({ attempt, index }))
      .filter(({ attempt }) => attempt.seenIn === 'CloudTrail' && sameAttempt(lastUse, attempt))
      .sort((a, b) => gap(lastUse, a.attempt) - gap(lastUse, b.attempt));
    const match = candidates[0];
    if (!match) {
      merged.push(lastUse);
      continue;
    }
    const alsoSeenIn = [...(match.attempt.alsoSeenIn ?? []), lastUse.seenIn];
    merged[match.index] = { ...match.attempt, alsoSeenIn };
  }
  return merged;
}

const gap = (a: QuarantineAttempt, b: QuarantineAttempt) => Math.abs(Date.parse(a.at) - Date.parse(b.at));

/**
 * One request seen twice: the same credential, times within SAME_ATTEMPT_MS, and no contradiction
 * in where (IAM names the service as `s3` where CloudTrail says `s3.amazonaws.com`). A CloudTrail
 * event already matched to an IAM last use of the same kind is taken.
 */
export function sameAttempt(lastUse: QuarantineAttempt, event: QuarantineAttempt): boolean {
  if (lastUse.credential !== event.credential || gap(lastUse, event) > SAME_ATTEMPT_MS) return false;
  if (event.alsoSeenIn?.includes(lastUse.seenIn)) return false;
  if (lastUse.region && event.region && lastUse.region !== event.region) return false;
  const service = event.eventSource?.replace(/\.amazonaws\.com$/, '');
  return !lastUse.eventSource || !service || lastUse.eventSource === service;
}

/**
 * An event the user made: LookupEvents' Username is also a role session's name, which anyone who
 * may assume a role chooses, so only an IAM user's identity with the case's user id counts. An
 * IAMUser event without a principalId (CloudTrail leaves it out of some sign-in failures) is
 * counted: a missed attempt deletes a user in use, a false one only asks the approvers.
 */
export function byUser(event: DetailedTrailEvent, userId: string): boolean {
  if (event.identity.type !== 'IAMUser') return false;
  return event.identity.principalId === undefined || event.identity.principalId === userId;
}

function trailAttempt(event: DetailedTrailEvent): QuarantineAttempt {
  return {
    at: event.eventTime,
    credential:
      event.accessKeyId ??
      (event.eventName === 'ConsoleLogin' ? 'password' : `${userNameOf(event)} (CloudTrail)`),
    seenIn: 'CloudTrail',
    eventName: event.eventName,
    eventSource: event.eventSource,
    region: event.region,
    sourceIPAddress: event.sourceIPAddress,
    ...(event.errorCode
      ? { errorCode: event.errorCode }
      : event.failed
        ? { errorCode: 'Failed authentication' }
        : {}),
  };
}

const userNameOf = (event: DetailedTrailEvent) => event.identity.arn?.split('/').pop() ?? 'the user';
