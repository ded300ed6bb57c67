import type { IAMClient } from '@aws-sdk/client-iam';
import type { QuarantineAttempt } from '../commons/case/record';
import type { TrailEvent } from '../commons/cloudtrail/lookup';
import { accessKeysWithLastUse, getUser } from '../commons/iam/snapshot';
import { errorName } from '../commons/runtime/errors';
import { holdsUndatedCredentials } from './regions';

/**
 * What a quarantined user's credentials did since the quarantine began, from the three places that
 * record an attempt the deny policy refused:
 * - IAM's last use of each access key (the last request the key signed) and of the password (a
 *   console sign-in: an identity policy does not stop authentication, only what follows it);
 * - CloudTrail's events by the user, refused ones included (errorCode AccessDenied): the only
 *   record of SSH keys and service-specific credentials, which IAM and the credential report
 *   never date; read in every enabled region for a user holding either (regions.ts).
 * A user gone, or the name now held by another user id, is `changed`: no longer the user quarantined.
 */
export async function attemptsSince(input: {
  readonly iam: IAMClient;
  readonly userName: string;
  readonly userId: string;
  readonly since: Date;
  /** `everyRegion`: the user holds an SSH key or a service-specific credential (regions.ts). */
  readonly trailEventsSince: (
    userName: string,
    since: Date,
    everyRegion: boolean,
  ) => Promise<readonly TrailEvent[]>;
}): Promise<{ changed: true } | { changed: false; attempts: QuarantineAttempt[] }> {
  const { iam, userName, since } = input;
  let user;
  try {
    user = await getUser(iam, userName);
  } catch (error) {
    if (errorName(error) === 'UnknownUserError') return { changed: true };
    throw error;
  }
  if (user.UserId !== input.userId) return { changed: true };
  const after = (date: Date | undefined): date is Date =>
    date !== undefined && date.getTime() > since.getTime();
  const attempts: QuarantineAttempt[] = [];
  if (after(user.PasswordLastUsed))
    attempts.push({
      at: user.PasswordLastUsed.toISOString(),
      credential: 'password',
      seenIn: 'password last used',
    });
  for (const { key, lastUsed } of await accessKeysWithLastUse(iam, userName)) {
    const used = lastUsed.AccessKeyLastUsed;
    if (!after(used?.LastUsedDate)) continue;
    attempts.push({
      at: used.LastUsedDate!.toISOString(),
      credential: key.AccessKeyId!,
      seenIn: 'access key last used',
      ...(used.ServiceName && used.ServiceName !== 'N/A' ? { eventSource: used.ServiceName } : {}),
      ...(used.Region && used.Region !== 'N/A' ? { region: used.Region } : {}),
    });
  }
  const everyRegion = await holdsUndatedCredentials(iam, userName);
  for (const event of await input.trailEventsSince(userName, since, everyRegion)) {
    if (Date.parse(event.eventTime) <= since.getTime()) continue;
    attempts.push({
      at: event.eventTime,
      credential:
        event.accessKeyId ?? (event.eventName === 'ConsoleLogin' ? 'password' : `${userName} (CloudTrail)`),
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
    });
  }
  return { changed: false, attempts: attempts.sort((a, b) => a.at.localeCompare(b.at)) };
}
