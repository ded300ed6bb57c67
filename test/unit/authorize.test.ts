import type { CaseRecord } from '../../lambdas/commons/case/record';
import { parseConfig } from '../../lambdas/commons/config/config';
import type { DecisionRecord } from '../../lambdas/commons/contracts/decision';
import {
  refuseDecision,
  refuseOtherAccount,
  refuseSelf,
  refuseStranger,
  secondApproval,
} from '../../lambdas/slack-interactions/authorize';
import { VALID_CONFIG } from '../helpers/stack';

// Who may decide what, each rule alone: the interactions tests drive the same rules through Slack.
const APPROVER = 'U0APPROVER1';
const OTHER = 'U0APPROVER2';
const ACCOUNT_APPROVER = 'U0ACCOUNT01';
const config = parseConfig({
  ...VALID_CONFIG,
  approverSlackUserIds: [APPROVER, OTHER],
  deploymentMode: 'organization',
  organizationId: 'o-a1b2c3d4e5',
  memberOrganizationalUnitIds: ['r-ab12'],
  accountOverrides: { '111122223333': { approverSlackUserIds: [ACCOUNT_APPROVER] } },
  approverIdentityTagKey: 'owner-slack',
});

const record = (overrides: {
  kind?: 'user' | 'credential';
  accountId?: string;
  tags?: Record<string, string>;
}) =>
  ({
    caseId: 'AIDA1-2026-12-01',
    userName: 'old-ci',
    candidate: { kind: overrides.kind, accountId: overrides.accountId },
    context: { iam: { tags: overrides.tags ?? {} } },
  }) as unknown as CaseRecord;

const click = (decision: DecisionRecord['decision'], decidedBy: string): DecisionRecord => ({
  decision,
  decidedBy,
  decidedAt: '2026-12-02T10:00:00.000Z',
});

describe('who may decide what', () => {
  it('refuses anybody on no approver list, and takes an approver of any account', () => {
    expect(refuseStranger(config, 'U0STRANGER1')?.reason).toBe('not an approver');
    expect(refuseStranger(config, APPROVER)).toBeUndefined();
    expect(refuseStranger(config, ACCOUNT_APPROVER)).toBeUndefined();
  });

  it('leaves an account with its own approvers to them alone, and other accounts to the global list', () => {
    const overridden = record({ accountId: '111122223333' });
    expect(refuseOtherAccount(config, overridden, APPROVER)?.message).toContain('111122223333');
    expect(refuseOtherAccount(config, overridden, ACCOUNT_APPROVER)).toBeUndefined();
    expect(refuseOtherAccount(config, record({ accountId: '444455556666' }), APPROVER)).toBeUndefined();
    expect(refuseOtherAccount(config, record({ accountId: '444455556666' }), ACCOUNT_APPROVER)).toBeDefined();
  });

  it("takes only the buttons of the case's kind, whatever the payload says", () => {
    expect(refuseDecision(record({ kind: 'credential' }), 'approval', 'delete')?.message).toBe(
      'A credential case takes Deactivate or Keep, not Delete; nothing changed.',
    );
    expect(refuseDecision(record({ kind: 'user' }), 'approval', 'deactivate')).toBeDefined();
    // A case from before credential cases existed is a user case.
    expect(refuseDecision(record({}), 'approval', 'delete')).toBeUndefined();
    expect(refuseDecision(record({}), 'approval', 'deactivate')).toBeDefined();
  });

  it('takes Release only on the after-trip ballot, and there only Release or Delete now', () => {
    // A forged Release on a case waiting for its first decision changes nothing.
    expect(refuseDecision(record({ kind: 'user' }), 'approval', 'release')?.message).toBe(
      'A user case takes Delete, Disable or Keep, not Release; nothing changed.',
    );
    expect(refuseDecision(record({ kind: 'credential' }), 'approval', 'release')).toBeDefined();
    const tripped = { ...record({ kind: 'user' }), status: 'quarantine-tripped' } as CaseRecord;
    expect(refuseDecision(tripped, 'after-trip', 'release')).toBeUndefined();
    expect(refuseDecision(tripped, 'after-trip', 'delete')).toBeUndefined();
    for (const other of ['disable', 'keep', 'deactivate'] as const)
      expect(refuseDecision(tripped, 'after-trip', other)?.reason).toBe(
        `decision ${other} after a quarantine trip`,
      );
    // While the quarantine is watched, nobody clicks anything: Release is the CLI's, through the case.
    const watched = { ...record({ kind: 'user' }), status: 'quarantined' } as CaseRecord;
    for (const any of ['release', 'delete', 'keep'] as const)
      expect(refuseDecision(watched, 'approval', any)?.reason).toBe(`decision ${any} during a quarantine`);
  });

  it('refuses the user deciding about themselves, by Slack id in any case or by e-mail, and an unreadable e-mail', () => {
    const byId = record({ tags: { 'Owner-Slack': APPROVER.toLowerCase() } });
    expect(refuseSelf(config, byId, APPROVER, 'a@example.com')?.reason).toBe('self-approval');
    expect(refuseSelf(config, byId, OTHER, 'b@example.com')).toBeUndefined();
    const byEmail = record({ tags: { 'owner-slack': 'Dev@Example.com' } });
    expect(refuseSelf(config, byEmail, OTHER, 'dev@example.com')).toBeDefined();
    expect(refuseSelf(config, byEmail, OTHER, 'ops@example.com')).toBeUndefined();
    expect(refuseSelf(config, byEmail, OTHER, { unknown: 'missing_scope' })?.message).toContain(
      'missing_scope',
    );
    expect(refuseSelf(config, record({}), APPROVER, { unknown: 'missing_scope' })).toBeUndefined();
  });

  it('makes an irreversible decision wait for a second approver who clicks the same button', () => {
    const delete1 = click('delete', APPROVER);
    expect(secondApproval({ won: true }, delete1, 'old-ci')).toHaveProperty('waiting');
    const pending = { ...record({}), firstApproval: { ...delete1, decidedByName: 'Ada' } } as CaseRecord;
    // The same approver twice is still one approver.
    expect(secondApproval({ won: false, existing: pending }, delete1, 'old-ci')).toHaveProperty('waiting');
    // Another approver's other button confirms nothing.
    expect(
      secondApproval({ won: false, existing: pending }, click('disable', OTHER), 'old-ci'),
    ).toHaveProperty('waiting');
    expect(secondApproval({ won: false, existing: pending }, click('delete', OTHER), 'old-ci')).toEqual({
      firstApprover: { firstApprover: APPROVER, firstApproverName: 'Ada' },
    });
    // A case already decided goes on to the decision's own claim, which refuses it.
    const decided = { ...pending, decision: click('keep', OTHER) } as CaseRecord;
    expect(secondApproval({ won: false, existing: decided }, click('delete', OTHER), 'old-ci')).toEqual({});
  });
});
