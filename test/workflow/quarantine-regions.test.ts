import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../lib/sim/run-scenario';
import { parseScenario } from '../../lib/sim/scenario';
import type { Simulation } from '../../lib/sim/engine';
import { oneUser } from '../helpers/quarantine';

/**
 * An SSH key or a service-specific credential has no last use in IAM: CloudTrail records its
 * attempt, and only in the region it was tried in. The scenario reads us-east-1 and eu-west-1.
 */
const SERVICE_CREDENTIAL = 'ACCAIDLESERVICE00001';
/** Enabled by default in every account (AWS's region list): not in the scenario's cloudTrailRegions. */
const FAR_REGION = 'ap-southeast-2';

function watcherReads(sim: Simulation) {
  return {
    listRegions: sim.aws.callsOf('ListRegions').length,
    lookupRegions: [...new Set(sim.aws.callsOf('LookupEvents').map((call) => call.region))].sort(),
  };
}

describe('the quarantine sees an attempt in any enabled region', () => {
  it('trips on a service-specific credential tried only in a region outside cloudTrailRegions', async () => {
    // GIVEN a quarantined user holding a CodeCommit credential, tried during the quarantine from
    // a region the configuration does not name
    let reads: ReturnType<typeof watcherReads> | undefined;
    const detail = await runScenario(
      oneUser({
        user: {
          sshPublicKeys: [],
          serviceSpecificCredentials: [{ id: SERVICE_CREDENTIAL, serviceName: 'codecommit.amazonaws.com' }],
        },
        quarantineAttempts: {
          idle: [{ at: '2026-11-24T16:00:00Z', credential: SERVICE_CREDENTIAL, region: FAR_REGION }],
        },
      }),
      { afterRun: async (sim) => void (reads = watcherReads(sim)) },
    );
    // THEN the quarantine tripped on it, as CloudTrail recorded it there, and the user is kept
    expect(detail.report.cases[0]).toMatchObject({
      outcome: 'quarantine-tripped',
      quarantine: {
        attempts: [
          {
            seenIn: 'CloudTrail',
            eventName: 'GitPull',
            eventSource: 'codecommit.amazonaws.com',
            region: FAR_REGION,
            errorCode: 'AccessDenied',
          },
        ],
      },
    });
    expect(detail.report.remainingUsers).toEqual(['idle']);
    // AND the watcher read the regions the account has enabled, never one it has not opted into
    expect(reads!.listRegions).toBeGreaterThan(0);
    expect(reads!.lookupRegions).toContain(FAR_REGION);
    expect(reads!.lookupRegions).not.toContain('af-south-1');
  });

  it('trips on an SSH key tried in an opted-in region, read because ListRegions says it is enabled', async () => {
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: {
          idle: [{ at: '2026-11-24T16:00:00Z', credential: 'APKAIDLE000000000001', region: 'me-south-1' }],
        },
      }),
      {
        beforeSweep: async (sim) => {
          // GIVEN an account that opted into Bahrain (AWS: opt-in regions are DISABLED until enabled)
          sim.aws.account.regions = [
            { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
            { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
            { name: 'me-south-1', status: 'ENABLED' },
          ];
        },
      },
    );
    expect(detail.report.cases[0]).toMatchObject({
      outcome: 'quarantine-tripped',
      quarantine: { attempts: [{ seenIn: 'CloudTrail', region: 'me-south-1' }] },
    });
  });

  it('reads only the configured regions for a user with nothing but an access key (the cost bound)', async () => {
    let reads: ReturnType<typeof watcherReads> | undefined;
    const detail = await runScenario(oneUser({ user: { sshPublicKeys: [] } }), {
      afterRun: async (sim) => void (reads = watcherReads(sim)),
    });
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'deleted', quarantine: { attempts: [] } });
    // IAM dates an access key's and a password's attempts wherever they happen: no region list needed
    expect(reads).toEqual({ listRegions: 0, lookupRegions: ['eu-west-1', 'us-east-1'] });
  });
});

describe('in organization mode', () => {
  it("trips on an SSH key tried in another region of a member account, read through the member's reader role", async () => {
    // GIVEN alice, in member account 111111111111, holds an SSH key tried in Sydney during her quarantine
    const raw = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'organization.json'), 'utf8'),
    ) as { accounts: { accountId: string; users: { userName: string }[]; quarantineAttempts?: unknown }[] };
    const member = raw.accounts.find((entry) => entry.accountId === '111111111111')!;
    Object.assign(
      member.users.find((user) => user.userName === 'alice')!,
      {
        sshPublicKeys: [{ id: 'APKAALICEPROD0000001', status: 'Active' }],
      },
    );
    member.quarantineAttempts = {
      alice: [{ at: '2026-11-25T16:00:00Z', credential: 'APKAALICEPROD0000001', region: FAR_REGION }],
    };
    let memberListRegions = 0;
    const detail = await runScenario(parseScenario(raw, 'organization with a far attempt'), {
      afterRun: async (sim) =>
        void (memberListRegions = sim.aws.member('111111111111').callsOf('ListRegions').length),
    });
    const alice = detail.report.cases.find((entry) => entry.accountId === '111111111111')!;
    expect(alice).toMatchObject({
      outcome: 'quarantine-tripped',
      quarantine: { attempts: [{ seenIn: 'CloudTrail', region: FAR_REGION }] },
    });
    // The member account's own regions, listed through its role (never the hub's)
    expect(memberListRegions).toBeGreaterThan(0);
  });
});
