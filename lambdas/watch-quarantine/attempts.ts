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
 */
export function attemptsSince(
  live: Snapshot,
  events: readonly DetailedTrailEvent[],
  since: Date,
): QuarantineAttempt[] {
  const after = (date: string | null | undefined): date is string =>
    typeof date === 'string' && Date.parse(date) > since.getTime();
  const attempts: QuarantineAttempt[] = [];
  if (after(live.passwordLastUsed))
    attempts.push({ at: live.passwordLastUsed, credential: 'password', seenIn: 'password last used' });
  for (const key of live.accessKeys) {
    if (!after(key.lastUsedDate)) continue;
    attempts.push({
      at: key.lastUsedDate,
      credential: key.id,
      seenIn: 'access key last used',
      ...(key.lastUsedService && key.lastUsedService !== 'N/A' ? { eventSource: key.lastUsedService } : {}),
      ...(key.lastUsedRegion && key.lastUsedRegion !== 'N/A' ? { region: key.lastUsedRegion } : {}),
    });
  }
  for (const event of events) {
    if (Date.parse(event.eventTime) <= since.getTime() || !byUser(event, live.userId)) continue;
    attempts.push(trailAttempt(event));
  }
  return attempts.sort((a, b) => a.at.localeCompare(b.at));
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
