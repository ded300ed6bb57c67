import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { explainProtection } from '../../lambdas/act/protection';
import { whoTagged } from '../../lambdas/commons/cloudtrail/who-tagged';
import { ProtectedUserError } from '../../lambdas/commons/runtime/errors';
import { DAY_MS } from '../../lambdas/commons/runtime/time';

/**
 * ATTACK (issue 34b): quarantineDays may be up to 180. A 120-day quarantine ends in silence and
 * its deletion is refused: an admin tagged the user protected on day 10. CloudTrail's event
 * history (LookupEvents) holds only "events that occurred in a Region within the last 90 days"
 * (AWS CloudTrail API reference, LookupEvents), so that TagUser call is no longer there.
 * explainProtection asks from openedAt − 1 day, 121 days back: what does its sentence claim?
 */
it('a case older than CloudTrail keeps: the sentence about what CloudTrail shows', async () => {
  const now = new Date('2027-04-01T09:00:00Z');
  const openedAt = new Date(now.getTime() - 120 * DAY_MS).toISOString();
  const taggedAt = new Date(Date.parse(openedAt) + 10 * DAY_MS);
  const horizon = now.getTime() - 90 * DAY_MS;
  const starts: Date[] = [];
  // A LookupEvents that answers as AWS does: nothing older than 90 days, whatever StartTime asks.
  const client = {
    send: async (command: { input: { StartTime: Date } }) => {
      starts.push(command.input.StartTime);
      const held = taggedAt.getTime() >= horizon;
      return {
        Events: held
          ? [
              {
                EventName: 'TagUser',
                EventTime: taggedAt,
                CloudTrailEvent: JSON.stringify({
                  userIdentity: {
                    type: 'AssumedRole',
                    arn: 'arn:aws:sts::123456789012:assumed-role/Admin/carol',
                  },
                  requestParameters: {
                    userName: 'idle',
                    tags: [{ key: 'iam-janitor:protected', value: 'x' }],
                  },
                }),
              },
            ]
          : [],
      };
    },
  } as unknown as CloudTrailClient;
  const access = {
    clientFor: () => client,
    limiter: { run: <T>(_key: string, call: () => Promise<T>) => call() },
  };
  const error = new ProtectedUserError(
    'idle carries the protected tag iam-janitor:protected; iam-janitor refuses to change it.',
    'iam-janitor:protected',
  );
  const explained = (await explainProtection(
    error,
    { userName: 'idle', userId: 'AIDAIDLE', openedAt, quarantine: undefined },
    (input) => whoTagged(input, access, now),
  )) as Error;
  console.log(
    `asked StartTime ${starts[0]?.toISOString()} (CloudTrail holds from ${new Date(horizon).toISOString()})\n${explained.message}`,
  );
  // A claim about what CloudTrail shows may only cover what CloudTrail keeps.
  expect(explained.message).not.toMatch(/CloudTrail shows no TagUser call that put it on since 2026-12-0/);
});
