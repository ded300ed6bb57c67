import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, oneUser } from '../helpers/quarantine';

/**
 * whoDetached reads at most 500 DetachUserPolicy events in us-east-1 (newest first) and
 * ignores a truncated read. Any principal in the account adds such events (refused calls are
 * recorded too): 600 after the admin's detach push it out of reach, and the trip says CloudTrail
 * "does not show who yet", which is false (it does, beyond what was read), and the record's span
 * loses the time the deny went.
 */

function floodDetach(sim: Simulation, count: number, from: Date) {
  for (let index = 0; index < count; index++)
    sim.aws.account.cloudTrail.push({
      region: 'us-east-1',
      username: 'pipeline',
      eventTime: new Date(from.getTime() + index * 1000),
      eventName: 'DetachUserPolicy',
      eventSource: 'iam.amazonaws.com',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAPIPELINE000000001:pipeline',
        arn: `arn:aws:sts::${sim.aws.account.accountId}:assumed-role/Pipeline/pipeline`,
      },
      requestParameters: { userName: `someone-${index}`, policyArn: AWS_DENY_ALL },
      errorCode: 'AccessDenied',
    });
}

describe('a flood of DetachUserPolicy events', () => {
  it('does not hide who took the deny off, nor say CloudTrail does not show it', async () => {
    const detail = await runScenario(
      oneUser(
        {
          duringQuarantine: { idle: { at: '2026-11-23T06:00:00Z', detachPolicyArns: [AWS_DENY_ALL] } },
        } as never,
        3,
      ),
      {
        beforeSweep: async (sim) => {
          const watch = sim.runWatcher.bind(sim);
          let day = 0;
          sim.runWatcher = async () => {
            if (++day === 1) floodDetach(sim, 600, new Date('2026-11-23T07:00:00Z'));
            return watch();
          };
        },
      },
    );
    const entry = detail.report.cases[0]!;
    const breach = entry.quarantine?.breaches?.[0];
    expect(entry.outcome).toBe('quarantine-tripped');
    // CloudTrail holds more calls than a watch reads: the record says who is not known, and why,
    // and the cut-short read is a blind spot of its own.
    expect(breach).toMatchObject({ kind: 'deny-detached' });
    expect(breach?.detail).toContain('who took it off is not known');
    expect(entry.quarantine?.breaches?.map((found) => found.kind)).toContain('not-watched');
  }, 240_000);
});
