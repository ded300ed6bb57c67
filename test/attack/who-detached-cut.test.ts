import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { whoDetached } from '../../lambdas/watch-quarantine/trail';

/**
 * ATTACK (iamCallsOnUser, shared by issue 34's whoTagged and the watcher's whoDetached): CloudTrail
 * answers LookupEvents newest first. whoDetached wants the FIRST DetachUserPolicy of the deny
 * since the quarantine began ("from then on the user was not denied everything"). When the
 * account made more than 500 DetachUserPolicy calls since (a pipeline's churn), the read stops
 * after the newest 500 and the first detach is among the unread ones. Is the answer the first
 * detach, or "could not be read in full", or a later detach stated as when the deny came off?
 */
it('the first detach of the deny when more than 500 detaches were made since', async () => {
  const now = new Date('2026-12-01T09:00:00Z');
  const since = new Date('2026-11-20T09:00:00Z');
  const deny = 'arn:aws:iam::aws:policy/AWSDenyAll';
  const event = (at: Date, userName: string, who: string) => ({
    EventName: 'DetachUserPolicy',
    EventTime: at,
    CloudTrailEvent: JSON.stringify({
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::123456789012:assumed-role/Admin/${who}` },
      requestParameters: { userName, policyArn: deny },
    }),
  });
  // Newest first, as CloudTrail answers: mallory's second detach (yesterday), 600 pipeline
  // detaches of other users, then mallory's first detach (day 2 of the quarantine).
  const all = [
    event(new Date('2026-11-30T09:00:00Z'), 'idle', 'mallory-second'),
    ...Array.from({ length: 600 }, (_, index) =>
      event(new Date(Date.parse('2026-11-30T08:00:00Z') - index * 60_000), `svc-${index}`, 'pipeline'),
    ),
    event(new Date('2026-11-22T09:00:00Z'), 'idle', 'mallory-first'),
  ];
  const client = {
    send: async (command: { input: { NextToken?: string } }) => {
      const offset = Number(command.input.NextToken ?? 0);
      const next = offset + 50 < all.length ? String(offset + 50) : undefined;
      return { Events: all.slice(offset, offset + 50), ...(next ? { NextToken: next } : {}) };
    },
  } as unknown as CloudTrailClient;
  const access = {
    clientFor: () => client,
    limiter: { run: <T>(_key: string, call: () => Promise<T>) => call() },
  };
  const found = await whoDetached({ names: ['idle'], policyArn: deny, since }, access, now);
  console.log(JSON.stringify(found));
  // Either the first detach, or an admission that CloudTrail could not be read in full.
  if (found && 'at' in found) expect(found.at).toBe('2026-11-22T09:00:00.000Z');
});
