import { iamClient } from '../../lambdas/commons/runtime/clients';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * A quarantine that others change is a quarantine that tripped (issue 33). Each change is written
 * as another admin would make it (scenario `duringQuarantine`, recorded in CloudTrail as that
 * admin's call); none of them tries a credential, so silence alone would delete the user.
 */
const ADMIN = 'arn:aws:sts::123456789012:assumed-role/Admin/console-admin';

async function quarantineWith(change: Record<string, unknown>, afterTrip = 'none') {
  let after: Awaited<ReturnType<typeof liveUser>>;
  const detail = await runScenario(
    oneUser({
      duringQuarantine: { idle: { at: '2026-11-24T10:00:00Z', ...change } },
      decisions: { idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: afterTrip } } },
    } as never),
    { afterRun: async () => void (after = await liveUser(iamClient(), 'idle')) },
  );
  const entry = detail.report.cases[0]!;
  const thread = detail.cases[0]!.thread.map((message) => message.text);
  return { entry, thread, after: after!, detail };
}

describe('a quarantine changed by another admin', () => {
  it('trips when the deny is taken off, names who took it off, and never says "denied" after that', async () => {
    const { entry, thread, after } = await quarantineWith({ detachPolicyArns: [AWS_DENY_ALL] });
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(after).toBeDefined();
    const breach = entry.quarantine!.breaches![0]!;
    expect(breach).toMatchObject({ kind: 'deny-detached', by: ADMIN, at: '2026-11-24T10:00:00.000Z' });
    const trip = thread.find((text) => text.startsWith('Quarantine tripped'))!;
    expect(trip).toBeDefined();
    const closing = thread.at(-1)!;
    expect(closing).toContain('left in quarantine without its deny');
    expect(closing).not.toContain('denied everything');
    expect(closing).toContain('not denied anything');
  });

  it('released after the deny was taken off: the tags go, and the record says so', async () => {
    const { entry, after, thread } = await quarantineWith({ detachPolicyArns: [AWS_DENY_ALL] }, 'release');
    expect(entry.outcome).toBe('released');
    expect(thread.at(-1)).toContain('was already off, taken off by someone else');
    expect(thread.at(-1)).not.toContain('every credential works again');
    expect(after.policies).not.toContain(AWS_DENY_ALL);
    expect(after.tagKeys.filter((key) => key!.startsWith('iam-janitor:quarantine'))).toEqual([]);
  });

  it('trips when a group is added, and the user is not deleted', async () => {
    const { entry, after } = await quarantineWith({ addGroups: ['ops'] });
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(after.policies).toContain(AWS_DENY_ALL);
    expect(entry.quarantine!.breaches).toEqual([{ kind: 'permissions-changed', detail: 'group ops added' }]);
  });

  it('trips when an inline policy is put on the user', async () => {
    const { entry } = await quarantineWith({
      putInlinePolicies: {
        backdoor: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    });
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(entry.quarantine!.breaches).toEqual([
      { kind: 'permissions-changed', detail: 'inline policy backdoor added' },
    ]);
  });
});

describe('the deletion at the end of a silent quarantine', () => {
  it('stops when a group was added after the last watch, and leaves the user quarantined', async () => {
    let after: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        const account = sim.aws.account;
        const watch = sim.runWatcher.bind(sim);
        let inWatch = false;
        let reads = 0;
        let added = false;
        sim.runWatcher = async () => {
          [inWatch, reads] = [true, 0];
          try {
            return await watch();
          } finally {
            inWatch = false;
          }
        };
        // The user's groups are read once by each watch; a read beyond that, with the deny on,
        // is the deletion's own look: the admin adds the group just before it.
        sim.aws.options.beforeIamAction = (action, params) => {
          const user = account.users.get('idle');
          if (action !== 'ListGroupsForUser' || params.UserName !== 'idle' || !user || added)
            return undefined;
          if (!user.managedPolicies.includes(AWS_DENY_ALL) || (inWatch && ++reads < 2)) return undefined;
          account.groups.add('ops');
          user.groups.push('ops');
          added = true;
          return undefined;
        };
      },
      afterRun: async () => void (after = await liveUser(iamClient(), 'idle')),
    });
    const entry = detail.report.cases[0]!;
    expect(entry.outcome).toBe('aborted-changed');
    expect(after!.policies).toContain(AWS_DENY_ALL);
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(closing).toContain('group ops added');
    expect(closing).toContain('still quarantined');
  });
});
