import { runScenario } from '../../lib/sim/run-scenario';
import { oneUser } from '../helpers/quarantine';

/**
 * anyone who may assume any role in the account names the session after the quarantined
 * user (`aws sts assume-role --role-session-name idle`). CloudTrail's LookupEvents "Username" of an
 * AssumedRole event is the session name (AWS CLI reference, lookup-events example: "Username":
 * "my-session-name" for userIdentity.type AssumedRole). The watcher trips on every event whose
 * Username equals the user's name and never checks userIdentity (type IAMUser, principalId = the
 * case's user id), so the record, ticket and thread say "someone tried its credentials" about
 * calls the user never made, and the user can be kept from deletion forever by a third party.
 *
 * The event is written as CloudTrail records an assumed-role call (userIdentity type AssumedRole,
 * principalId `<role id>:<session name>`), with the session's temporary (ASIA…) key.
 */
describe('an event by a role session named like the user', () => {
  it("is not recorded as an attempt to use the quarantined user's credentials", async () => {
    const detail = await runScenario(oneUser({ user: { sshPublicKeys: [] } }), {
      beforeSweep: async (sim) => {
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          if (++day === 2)
            sim.aws.account.cloudTrail.push({
              region: 'eu-west-1',
              username: 'idle',
              eventTime: new Date('2026-11-23T16:00:00Z'),
              eventName: 'DescribeInstances',
              eventSource: 'ec2.amazonaws.com',
              sourceIPAddress: '198.51.100.9',
              // Temporary credentials of the role session: not a key of the IAM user idle.
              accessKeyId: 'ASIAROLESESSION00001',
              userIdentity: {
                type: 'AssumedRole',
                principalId: 'AROAEXAMPLEROLE00001:idle',
                arn: `arn:aws:sts::${sim.aws.account.accountId}:assumed-role/Deployer/idle`,
              },
            });
          return watch();
        };
      },
    });
    const entry = detail.report.cases[0]!;
    expect(entry.quarantine?.attempts).toEqual([]);
    expect(entry.outcome).toBe('deleted');
  });
});
