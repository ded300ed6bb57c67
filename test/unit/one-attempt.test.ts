import { attemptText } from '../../lambdas/commons/case/quarantine-text';
import type { DetailedTrailEvent } from '../../lambdas/commons/cloudtrail/lookup';
import type { Snapshot } from '../../lambdas/commons/iam/snapshot';
import { attemptsSince } from '../../lambdas/watch-quarantine/attempts';
import { addUser, emptyAccount, type SimAccount, type SimUser } from '../../lib/sim/account';
import { recordAttempt, type CredentialAttempt } from '../../lib/sim/standins/credential-attempts';

// One request on a quarantined user's credential is one attempt, however many places recorded it:
// IAM dates the key's (or the password's) last use and CloudTrail records the same request's event.
// The property: the attempts listed are the requests made, each once, each naming every source.

const since = new Date('2026-11-22T09:00:00Z');
const KEY = 'AKIATINA000000000001';
const SSH = 'APKATINA000000000001';

function quarantinedTina(): { account: SimAccount; user: SimUser } {
  const account = emptyAccount();
  const user = addUser(account, {
    userName: 'tina',
    password: { createDate: new Date('2024-01-01T00:00:00Z'), lastUsed: null },
    accessKeys: [{ id: KEY, status: 'Active', createDate: new Date('2024-01-01'), lastUsedDate: null }],
    sshPublicKeys: [{ id: SSH, status: 'Active' }],
    managedPolicies: ['arn:aws:iam::aws:policy/AWSDenyAll'],
  });
  return { account, user };
}

/** The user as readUser reads it: the fields attemptsSince looks at (last uses and the id). */
const liveOf = (user: SimUser) =>
  ({
    userId: user.userId,
    passwordLastUsed: user.password?.lastUsed?.toISOString() ?? null,
    accessKeys: user.accessKeys.map((key) => ({
      id: key.id,
      status: key.status,
      lastUsedDate: key.lastUsedDate?.toISOString() ?? null,
      lastUsedService: key.lastUsedService,
      lastUsedRegion: key.lastUsedRegion,
    })),
  }) as unknown as Snapshot;

/** The account's trail as LookupEvents answers it, with who made each call. */
const eventsOf = (account: SimAccount): DetailedTrailEvent[] =>
  account.cloudTrail.map((event) => ({
    eventTime: event.eventTime.toISOString(),
    eventName: event.eventName,
    eventSource: event.eventSource,
    region: event.region,
    sourceIPAddress: event.sourceIPAddress ?? '',
    userAgent: '',
    identity: event.userIdentity ?? { type: 'IAMUser' },
    ...(event.accessKeyId ? { accessKeyId: event.accessKeyId } : {}),
    ...(event.errorCode ? { errorCode: event.errorCode } : {}),
  }));

const at = (iso: string) => new Date(iso);
const tries: Record<string, CredentialAttempt[]> = {
  'one key request': [{ at: at('2026-11-25T03:14:00Z'), credential: KEY, region: 'eu-west-1' }],
  'one console sign-in': [{ at: at('2026-11-27T08:02:00Z'), credential: 'password' }],
  'two key requests a day apart': [
    { at: at('2026-11-24T10:00:00Z'), credential: KEY },
    { at: at('2026-11-25T10:00:00Z'), credential: KEY, eventName: 'GetObject' },
  ],
  'two key requests 30 seconds apart': [
    { at: at('2026-11-24T10:00:00Z'), credential: KEY },
    { at: at('2026-11-24T10:00:30Z'), credential: KEY, eventName: 'GetObject' },
  ],
  'a key, the password and an SSH key': [
    { at: at('2026-11-24T10:00:00Z'), credential: KEY },
    { at: at('2026-11-24T10:00:00Z'), credential: 'password' },
    { at: at('2026-11-24T11:00:00Z'), credential: SSH },
  ],
};

describe('one attempt on a quarantined credential is listed once, with every source that saw it', () => {
  it.each(Object.entries(tries))('%s', (_name, made) => {
    const { account, user } = quarantinedTina();
    for (const attempt of made) recordAttempt(account, 'tina', attempt);
    const attempts = attemptsSince(liveOf(user), eventsOf(account), since);

    expect(attempts).toHaveLength(made.length);
    const requests = attempts.map((attempt) => `${attempt.credential} ${attempt.at}`);
    expect(new Set(requests).size).toBe(attempts.length);
    // The last request of a key or the password is also IAM's last use: both sources are named.
    for (const credential of [KEY, 'password']) {
      const last = attempts.filter((attempt) => attempt.credential === credential).at(-1);
      if (!last) continue;
      expect([last.seenIn, ...(last.alsoSeenIn ?? [])].sort()).toEqual(
        ['CloudTrail', credential === KEY ? 'access key last used' : 'password last used'].sort(),
      );
      expect(attemptText(last)).toMatch(/also seen in IAM/);
    }
  });

  it("keeps IAM's last use as an attempt of its own when CloudTrail has no event of that request", () => {
    // A data event (S3 GetObject) signs with the key and dates its last use; LookupEvents shows
    // management events only, so nothing in the trail is the same request.
    const { user } = quarantinedTina();
    user.accessKeys[0]!.lastUsedDate = at('2026-11-25T03:14:00Z');
    user.accessKeys[0]!.lastUsedService = 's3';
    const attempts = attemptsSince(liveOf(user), [], since);
    expect(attempts).toEqual([expect.objectContaining({ credential: KEY, seenIn: 'access key last used' })]);
    expect(attempts[0]?.alsoSeenIn).toBeUndefined();
  });
});
