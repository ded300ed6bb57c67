import type { ExemptionSeen } from '../../lambdas/commons/case/exemption-record';
import { summaryOf, summaryText } from '../../lambdas/summary/summary';

/**
 * The weekly summary shows each exemption the week's sweeps saw with its origin, lists the ones
 * first seen since the last summary, and says why a keep-until set by hand stopped counting. The
 * protected tag and keep-until values come from whoever may tag the user: escaped like any value.
 */
const SINCE = new Date('2026-11-23T09:00:00Z');
const LAST_SWEEP = '2026-11-29T09:00:00.000Z';
const seen = (fields: Partial<ExemptionSeen> & Pick<ExemptionSeen, 'userName'>): ExemptionSeen => ({
  userId: `AIDA${fields.userName.toUpperCase()}`,
  kind: 'keep-until',
  tag: 'iam-janitor:keep-until',
  value: '2099-01-01',
  origin: { by: 'hand' },
  firstSeen: '2026-01-02T09:00:00.000Z',
  lastSeen: LAST_SWEEP,
  ...fields,
});

describe('the weekly summary of exemptions', () => {
  const exemptions = [
    // The subject tagged itself protected this week: it protects, shown as set by hand.
    seen({
      userName: 'selfie',
      kind: 'protected',
      tag: 'IAM-Janitor:Protected',
      value: '<!channel>',
      firstSeen: '2026-11-24T09:00:00.000Z',
    }),
    // And a keep-until of its own, valued with markup (a tag value is anyone's text).
    seen({ userName: 'selfie', value: '<!channel>', firstSeen: '2026-11-24T09:00:00.000Z' }),
    // A Keep decided this week.
    seen({
      userName: 'kept',
      value: '2027-02-27',
      origin: { by: 'case', caseId: 'AIDAKEPT-2026-11-25', decidedBy: 'U0APPROVER1' },
      firstSeen: '2026-11-25T09:00:00.000Z',
    }),
    // Set by hand 365 days before the last sweep: no longer counted this week.
    seen({ userName: 'forever', firstSeen: '2025-11-29T09:00:00.000Z' }),
    // Seen by no sweep this week (the tag is gone): not held.
    seen({ userName: 'gone', lastSeen: '2026-11-01T09:00:00.000Z' }),
  ];
  const text = summaryText(summaryOf([], undefined, SINCE, { exemptions, maxKeepDays: 365 }));

  it('counts those held this week, and how many were set by hand', () => {
    expect(text).toContain('• 4 exemptions held users out of review (3 set by hand, not by a decision)');
  });

  it('lists the new ones with their origin, escaped', () => {
    expect(text).toContain(
      '• New since the last summary: selfie: protected (tag IAM-Janitor:Protected), set by hand; selfie: kept until &lt;!channel&gt; (tag iam-janitor:keep-until), set by hand, first seen 2026-11-24, counts until 2027-11-24 at most; kept: kept until 2027-02-27 (tag iam-janitor:keep-until), decided in case AIDAKEPT-2026-11-25 by U0APPROVER1',
    );
    expect(text).not.toContain('<!channel>');
  });

  it('says why a keep-until set by hand is judged again', () => {
    expect(text).toContain(
      '• ⚠ Set by hand and no longer counted: forever: iam-janitor:keep-until 2099-01-01 set by hand, first seen 2025-11-29, counts for at most 365 days; judged again',
    );
  });

  it('says nothing of exemptions where no sweep saw one', () => {
    expect(summaryText(summaryOf([], undefined, SINCE))).not.toContain('exemption');
  });
});
