import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseKey, type CaseRecord } from '../../lambdas/commons/case/record';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import type { SimAccount, SimUser } from '../../lib/sim/account';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { AWS_DENY_ALL, oneUser, onCase, onlyCase, aroundTaskCallbacks } from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/**
 * Nothing is deleted without a snapshot of what is deleted: an admin changes a quarantined user,
 * written straight into the stand-in account as IAM would hold it, and the deletion that follows
 * the quarantine deletes what they added. `restore --case` must bring it back (on a main whose one
 * snapshot was taken before the quarantine, it does not). A permission change after the last watch
 * stops the deletion (test/workflow/quarantine-breaches.test.ts), so what such a deletion can
 * still take unseen is a tag; after a trip, Delete now takes groups and policies too.
 */

/** An inline policy as an admin would put it (IAM's policy grammar, version 2012-10-17). */
const OPS_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ops-reports/*' }],
};

/** An admin's AddUserToGroup, PutUserPolicy and TagUser on the quarantined user. */
function giveDuringQuarantine(account: SimAccount): void {
  const user = account.users.get('idle')!;
  account.groups.add('ops');
  user.groups.push('ops');
  user.inlinePolicies['ops-extra'] = JSON.stringify(OPS_POLICY);
  user.tags.team = 'ops';
}

const restore = (caseId: string) => onCase('restore', caseId, '--yes');

/**
 * An admin's TagUser after the last watch handed the case to its deletion in silence, and before
 * the deletion runs: no watch could see it, so only the deletion's own snapshot holds it.
 */
function tagAfterTheLastWatch(sim: Simulation): void {
  aroundTaskCallbacks(sim, (call, answer) => {
    const answered = answer();
    if (call.output?.includes('"silent"')) sim.aws.account.users.get('idle')!.tags.team = 'ops';
    return answered;
  });
}

/** What restore gave the recreated user, as the stand-in holds it. */
function restoredParts(user: SimUser | undefined) {
  return {
    groups: user?.groups,
    inlinePolicies: Object.fromEntries(
      Object.entries(user?.inlinePolicies ?? {}).map(([name, text]) => [name, JSON.parse(text) as unknown]),
    ),
    tags: user?.tags,
    managedPolicies: user?.managedPolicies,
  };
}

const given = {
  groups: ['ops'],
  inlinePolicies: { 'ops-extra': OPS_POLICY },
  tags: { team: 'ops' },
  // Without the quarantine's deny: a restore brings the user back as it was, not as it was held.
  managedPolicies: [],
};

describe('a deletion at the end of a quarantine', () => {
  it('snapshots the user right before it, and restore brings back a tag added after the last watch', async () => {
    // GIVEN an admin tags the quarantined user after its last watch
    let said!: { code: number; text: string };
    let restored: SimUser | undefined;
    let record: CaseRecord | undefined;
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => tagAfterTheLastWatch(sim),
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        record = await sim.caseRecord(caseId);
        // WHEN the deleted user is restored from its case
        said = await restore(caseId);
        restored = sim.aws.account.users.get('idle');
      },
    });
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'deleted' });
    // THEN it comes back with what it held when it was deleted, less the quarantine
    expect(said.code).toBe(0);
    expect(restoredParts(restored)).toEqual({
      groups: [],
      inlinePolicies: {},
      tags: { team: 'ops' },
      managedPolicies: [],
    });
    // AND the words say which snapshot, and exactly what it restored
    expect(said.text).toContain('from the snapshot taken right before its deletion');
    expect(said.text).toContain(
      "Left out: the deny-all policy arn:aws:iam::aws:policy/AWSDenyAll and the quarantine's two tags",
    );
    expect(said.text).toContain(
      'idle is restored at path /, with 1 tag (team), no groups, no managed policies, no inline policies, no permissions boundary, as the snapshot taken right before its deletion held it',
    );
    // AND the snapshot from before the quarantine is kept as it was
    expect(record!.snapshot).toMatchObject({ tags: {} });
    expect(record!.deletionSnapshot).toMatchObject({ tags: { team: 'ops' } });
    // AND the ticket's closing comment says where each snapshot is
    expect(JSON.stringify(detail.cases[0]!.issue!.comments.at(-1))).toContain(
      'and attribute \\"deletionSnapshot\\" (right before the deletion, which restore reads)',
    );
  });

  it('of a case deleted with no fresh snapshot (an older release) has restore say what it cannot bring back', async () => {
    let said!: { code: number; text: string };
    await runScenario(oneUser({}), {
      beforeSweep: async (sim) => tagAfterTheLastWatch(sim),
      afterRun: async () => {
        const caseId = await onlyCase();
        // The case as a release before the fresh snapshot left it.
        await documentClient().send(
          new UpdateCommand({
            TableName: CASE_TABLE,
            Key: { pk: caseKey(caseId) },
            UpdateExpression: 'REMOVE deletionSnapshot, deletionSnapshotSavedAt',
          }),
        );
        said = await restore(caseId);
      },
    });
    expect(said.code).toBe(0);
    expect(said.text).toContain('from the snapshot taken before its quarantine');
    expect(said.text).toContain(
      'a group, policy or tag given to idle during the quarantine is not in it, and restore cannot bring it back',
    );
    expect(said.text).toContain('idle is restored at path /, with no tags, no groups');
  });
});

describe('a Delete now after a trip', () => {
  it('snapshots the user right before it, and restore brings back a group, inline policy and tag added after the trip', async () => {
    // GIVEN an attempt trips the quarantine, then an admin adds a group, an inline policy and a tag
    let said!: { code: number; text: string };
    let restored: SimUser | undefined;
    let record: CaseRecord | undefined;
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
        decisions: {
          idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'delete', by: APPROVER } },
        },
      }),
      {
        beforeSweep: async (sim) => {
          const click = sim.click.bind(sim);
          sim.click = async (caseId, decision, userId, overrides) => {
            const status = (await sim.caseRecord(caseId))?.status;
            if (status === 'quarantine-tripped') giveDuringQuarantine(sim.aws.account);
            // WHEN Delete now is clicked
            return click(caseId, decision, userId, overrides);
          };
        },
        afterRun: async (sim) => {
          const caseId = await onlyCase();
          record = await sim.caseRecord(caseId);
          said = await restore(caseId);
          restored = sim.aws.account.users.get('idle');
        },
      },
    );
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'deleted', quarantine: { afterTrip: 'delete' } });
    // THEN the Delete now's snapshot holds the group, without the quarantine's deny and tags
    expect(record!.deletionSnapshot!.groups).toEqual(['ops']);
    expect(record!.deletionSnapshot!.managedPolicies).not.toContain(AWS_DENY_ALL);
    expect(Object.keys(record!.deletionSnapshot!.tags)).toEqual(['team']);
    // AND restore brings the group, the inline policy and the tag back
    expect(said.code).toBe(0);
    expect(restoredParts(restored)).toEqual(given);
  });
});
