import type { CaseRecord } from '../../lambdas/commons/case/record';
import { OUTCOMES, type Outcome } from '../../lambdas/commons/contracts/outcome';
import { outcomeComment, outcomeReply } from '../../lambdas/commons/case/outcome';
import { outcomeDetail } from '../../lambdas/commons/case/outcome-detail';
import type { Snapshot } from '../../lambdas/commons/iam/snapshot';

const TABLE = 'iam-janitor-cases';
const record = (overrides: Partial<CaseRecord> = {}) =>
  ({
    caseId: 'AIDAFRANK-2026-11-22',
    userName: 'frank',
    jiraKey: 'SEC-5',
    jiraUrl: 'https://acme.atlassian.net/browse/SEC-5',
    candidate: { kind: 'user' },
    ...overrides,
  }) as CaseRecord;
const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: ['at act (removal.ts:1)'] });

/** Sentences of a message, for the check that none is said twice. */
const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);

describe('outcome messages', () => {
  it('says once why an expired case was kept', () => {
    const detail = outcomeDetail('expired', undefined);
    expect(outcomeReply(record(), 'expired', detail)).toBe(
      'frank was kept: no decision arrived in time. <https://acme.atlassian.net/browse/SEC-5|SEC-5>',
    );
    expect(outcomeComment(record(), 'expired', detail, TABLE)[0]).toBe('Outcome: expired.');
  });

  it('gives the reason of an abort in words, without the error class or a doubled full stop', () => {
    const detail = outcomeDetail('aborted-active', {
      Error: 'UserBecameActiveError',
      Cause: lambdaCause(
        'UserBecameActiveError',
        'frank used a credential at 2026-11-22 10:00 UTC, after the case opened at 2026-11-22 09:00 UTC on a last use at 2026-09-10 16:00 UTC.',
      ),
    });
    expect(detail).toBe(
      'frank used a credential at 2026-11-22 10:00 UTC, after the case opened at 2026-11-22 09:00 UTC on a last use at 2026-09-10 16:00 UTC',
    );
    const reply = outcomeReply(record(), 'aborted-active', detail);
    expect(reply).toMatch(/^frank was kept, with nothing changed: they turned out to be active\. frank used/);
    expect(reply).not.toContain('UserBecameActiveError');
    expect(reply).not.toMatch(/\.\./);
    expect(outcomeComment(record(), 'aborted-active', detail, TABLE)[0]).toBe(
      `Outcome: aborted-active. ${detail}.`,
    );
  });

  it('keeps the name of an unexpected error, for whoever debugs it', () => {
    expect(
      outcomeDetail('failed', {
        Error: 'AccessDenied',
        Cause: lambdaCause('AccessDenied', 'not authorized'),
      }),
    ).toBe('AccessDenied: not authorized');
  });

  it('lists what a deletion did, who decided when, and how to restore', () => {
    const lines = outcomeComment(
      record({
        decision: { decision: 'delete', decidedBy: 'U0123ABCDEF', decidedAt: '2026-11-22T09:00:02.407Z' },
        removed: ['delete access key AKIA1', 'delete user frank'],
        snapshot: { userName: 'frank' } as Snapshot,
      }),
      'deleted',
      undefined,
      TABLE,
    );
    expect(lines).toEqual([
      'Outcome: deleted.',
      'Decision: delete by Slack user U0123ABCDEF at 2026-11-22 09:00 UTC.',
      'Done: delete access key AKIA1; delete user frank.',
      `Snapshot: DynamoDB table ${TABLE}, item pk "case#AIDAFRANK-2026-11-22", attribute "snapshot". Restore with: iam-janitor restore --case AIDAFRANK-2026-11-22 --table ${TABLE}`,
    ]);
  });

  it('says what a dry run would have done, and that nothing changed', () => {
    const lines = outcomeComment(
      record({ planned: ['delete user frank'], removed: [], snapshot: {} as Snapshot }),
      'dry-run',
      undefined,
      TABLE,
    );
    expect(lines[2]).toBe(
      'Nothing was changed in IAM (dry run). A real run would have done: delete user frank.',
    );
  });

  it.each(OUTCOMES.map((outcome) => [outcome]))('never says the same sentence twice for %s', (outcome) => {
    const detail = outcomeDetail(outcome as Outcome, {
      Error: 'UserChangedError',
      Cause: lambdaCause('UserChangedError', 'frank has access key AKIA2 issued since the case opened.'),
    });
    for (const text of [
      outcomeReply(record(), outcome as Outcome, detail),
      outcomeComment(record(), outcome as Outcome, detail, TABLE).join(' '),
    ]) {
      const said = sentences(text);
      expect(said).toEqual([...new Set(said)]);
    }
  });
});
