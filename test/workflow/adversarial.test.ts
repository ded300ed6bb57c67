import { readFileSync } from 'node:fs';
import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import { denyTakenOff } from '../../lambdas/commons/case/quarantine-text';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { parseScenario } from '../../lib/sim/scenario';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { AWS_DENY_ALL } from '../helpers/quarantine';

/**
 * Issue 33's "done when": every attacker of the threat model in one account (examples/adversarial.json):
 * a user that tagged itself disabled-at, an active user whose stale key carries the marker, a
 * service credential tried from a far region, a self-release after a trip, a new key, a deny taken
 * off, a new group and a rename during the quarantine, a Disable, a user that tagged itself
 * protected while its case waited, and one plain approved user.
 */
const SCENARIO = 'examples/adversarial.json';

let detail: SimulationDetail;
beforeAll(async () => {
  detail = await runScenario(parseScenario(JSON.parse(readFileSync(SCENARIO, 'utf8')), SCENARIO));
}, 600_000);

const recordOf = (userName: string): CaseRecord => {
  const found = detail.cases.find((entry) => entry.record?.userName === userName)?.record;
  if (!found) throw new Error(`no case for ${userName}`);
  return found;
};

/** What the case says IAM holds: AWSDenyAll where it says the user is quarantined and denied, or disabled. */
const saysDenied = (record: CaseRecord) =>
  record.outcome === 'disabled' ||
  (record.quarantine !== undefined && quarantineHeld(record) && !denyTakenOff(record.quarantine));

describe('every attacker at once', () => {
  it('deletes only the plain approved user', () => {
    const deleted = detail.report.cases
      .filter((entry) => entry.outcome === 'deleted')
      .map((entry) => entry.userName);
    expect(deleted).toEqual(['plain-pat']);
    expect(detail.report.remainingUsers).not.toContain('plain-pat');
    expect(detail.report.remainingUsers).toHaveLength(10);
  });

  it('holds AWSDenyAll exactly where each case says the user is denied, by its id after a rename', () => {
    const held: Record<string, boolean> = {};
    const says: Record<string, boolean> = {};
    for (const entry of detail.cases) {
      const record = entry.record;
      if (!record || record.candidate.kind !== 'user' || record.outcome === 'deleted') continue;
      const after = Object.values(detail.report.accountAfter).find((user) => user.userId === record.userId);
      held[record.userName] = after?.attachedPolicyArns.includes(AWS_DENY_ALL) ?? false;
      says[record.userName] = saysDenied(record);
    }
    expect(held).toEqual(says);
    expect(held['disable-dan']).toBe(true);
    expect(held['deny-off']).toBe(false);
    expect(held.renamed).toBe(true);
  });

  it('judges the self-marked user and the marked key from their last uses, not from the tag', () => {
    expect(recordOf('self-marked').candidate.kind).toBe('user');
    const credentialCase = detail.cases.find(
      (entry) => entry.record?.userName === 'marked-key' && entry.record.candidate.kind === 'credential',
    );
    expect(credentialCase?.record?.credentialId).toBe('AKIAMARKEDKEY0000001');
  });

  it('trips on the far-region attempt, the deny taken off and the new group, and refuses the self-release', () => {
    expect(recordOf('far-region').quarantine!.attempts.map((attempt) => attempt.region)).toEqual([
      'ap-southeast-2',
    ]);
    expect(denyTakenOff(recordOf('deny-off').quarantine!)?.by).toBe(
      'arn:aws:sts::123456789012:assumed-role/Admin/console-admin',
    );
    expect(recordOf('new-group').quarantine!.breaches).toEqual([
      { kind: 'permissions-changed', detail: 'group ops added' },
    ]);
    const selfRelease = recordOf('self-release');
    expect(selfRelease.quarantine!.releasedAt).toBeUndefined();
    expect(selfRelease.outcomeDetail).toContain('is the user');
    expect(recordOf('renamed').quarantine!.renamedTo).toBe('renamed-rita');
    expect(recordOf('new-key').outcome).toBe('aborted-changed');
  });

  it('refuses the user that protected itself, and says it did', () => {
    const shield = recordOf('self-shield');
    expect(shield.outcome).toBe('refused');
    expect(shield.outcomeDetail).toContain('The user protected itself');
    expect(shield.removed ?? []).toEqual([]);
  });
});
