import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { explainProtection } from '../../lambdas/act/protection';
import { whoTagged } from '../../lambdas/commons/cloudtrail/who-tagged';
import { ProtectedUserError } from '../../lambdas/commons/runtime/errors';
import { formatTime } from '../../lambdas/commons/runtime/text';
import { whoDetached } from '../../lambdas/watch-quarantine/trail';

/**
 * Found by the attacker helper (issue 34): what CloudTrail's IAM calls can vouch for when the read
 * does not cover everything. LookupEvents answers newest first, 50 events a page, and holds only
 * "events that occurred in a Region within the last 90 days" (AWS CloudTrail API reference).
 */

const DAY = 86_400_000;
const DENY = 'arn:aws:iam::aws:policy/AWSDenyAll';

/** A LookupEvents stand-in over `all` (newest first), paged by 50, with each call's StartTime kept. */
function trail(all: (now: Date) => object[], now: Date) {
  const starts: Date[] = [];
  const client = {
    send: async (command: { input: { NextToken?: string; StartTime: Date } }) => {
      starts.push(command.input.StartTime);
      const events = all(now).filter(
        (event) => (event as { EventTime: Date }).EventTime.getTime() >= now.getTime() - 90 * DAY,
      );
      const offset = Number(command.input.NextToken ?? 0);
      const next = offset + 50 < events.length ? String(offset + 50) : undefined;
      return { Events: events.slice(offset, offset + 50), ...(next ? { NextToken: next } : {}) };
    },
  } as unknown as CloudTrailClient;
  return {
    starts,
    access: { clientFor: () => client, limiter: { run: <T>(_: string, run: () => Promise<T>) => run() } },
  };
}

const event = (name: string, at: Date, who: string, parameters: object) => ({
  EventName: name,
  EventTime: at,
  CloudTrailEvent: JSON.stringify({
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::123456789012:assumed-role/Admin/${who}` },
    requestParameters: parameters,
  }),
});

it('says no TagUser call is found only within the 90 days CloudTrail keeps', async () => {
  const now = new Date('2027-04-01T09:00:00Z');
  const openedAt = new Date(now.getTime() - 120 * DAY).toISOString();
  // Tagged on day 10 of a 120-day case: beyond the 90 days, so LookupEvents no longer returns it.
  const tagged = event('TagUser', new Date(Date.parse(openedAt) + 10 * DAY), 'carol', {
    userName: 'idle',
    tags: [{ key: 'iam-janitor:protected', value: 'x' }],
  });
  const { starts, access } = trail(() => [tagged], now);
  const error = new ProtectedUserError('idle carries the protected tag.', 'iam-janitor:protected');
  const explained = (await explainProtection(
    error,
    { userName: 'idle', userId: 'AIDAIDLE', openedAt, quarantine: undefined },
    (input) => whoTagged(input, access, now),
  )) as Error;
  const horizon = new Date(now.getTime() - 90 * DAY);
  expect(starts[0]!.getTime()).toBeGreaterThanOrEqual(horizon.getTime());
  expect(explained.message).not.toContain(formatTime(new Date(Date.parse(openedAt) - DAY).toISOString()));
  expect(explained.message).toContain('90 days');
  expect(explained.message).toContain('not known');
});

it('does not give a detach found in a cut read as the first one (newest first, 600 others between)', async () => {
  const now = new Date('2026-12-01T09:00:00Z');
  const detach = (at: string, userName: string, who: string) =>
    event('DetachUserPolicy', new Date(at), who, { userName, policyArn: DENY });
  const all = [
    detach('2026-11-30T09:00:00Z', 'idle', 'mallory-second'),
    ...Array.from({ length: 600 }, (_, index) =>
      detach(
        new Date(Date.parse('2026-11-30T08:00:00Z') - index * 60_000).toISOString(),
        `svc-${index}`,
        'pipeline',
      ),
    ),
    detach('2026-11-22T09:00:00Z', 'idle', 'mallory-first'),
  ];
  const { access } = trail(() => all, now);
  const found = await whoDetached(
    { names: ['idle'], policyArn: DENY, since: new Date('2026-11-20T09:00:00Z') },
    access,
    now,
  );
  // Either the first detach, or an admission that CloudTrail could not be read in full.
  if (found && 'at' in found) expect(found.at).toBe('2026-11-22T09:00:00.000Z');
  else expect(found).toEqual({ unread: expect.stringContaining('could not be read in full') });
});
