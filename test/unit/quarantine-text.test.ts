import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import type { CaseRecord, QuarantineRecord } from '../../lambdas/commons/case/record';
import { quarantineStartedText } from '../../lambdas/commons/slack/quarantine-messages';

const silent = {
  policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
  startedAt: '2026-11-22T09:00:00.000Z',
  endsAt: '2026-12-06T09:00:00.000Z',
  appliedAt: '2026-11-22T09:00:05.000Z',
  lastCheckedAt: '2026-12-06T09:10:00.000Z',
  attempts: [],
  verdict: 'silent',
} as unknown as QuarantineRecord;

describe('what a silent quarantine says it saw', () => {
  it('says up to when it looked, and that the last minutes before it may be missing from CloudTrail', () => {
    // AWS: CloudTrail delivers events within minutes on average, with no guaranteed bound
    // Deleted after it (held: false): the window ran its course.
    expect(quarantineText(silent, false)).toBe(
      'Quarantine: denied everything (arn:aws:iam::aws:policy/AWSDenyAll) from 2026-11-22 09:00 UTC until 2026-12-06 09:00 UTC, then deleted; ' +
        'no attempt to use its credentials was seen up to the last check, at 2026-12-06 09:10 UTC. ' +
        "CloudTrail, the only record of an SSH key's or a service-specific credential's use, usually shows a call within 15 minutes " +
        'and does not promise to: an attempt in the 15 minutes before that check may not have been seen.',
    );
  });

  it('never claims a check it did not make', () => {
    const unchecked = { ...silent, lastCheckedAt: undefined } as QuarantineRecord;
    expect(quarantineText(unchecked)).toMatch(/no attempt to use its credentials was seen\.$/);
    expect(quarantineText(unchecked)).not.toContain('last check');
  });
});

describe('what the approvers are told when a quarantine begins', () => {
  it('does not promise that an attempt just before the final check stops the deletion', () => {
    const record = {
      userName: 'idle',
      candidate: { kind: 'user' },
      quarantine: silent,
    } as unknown as CaseRecord;
    expect(quarantineStartedText(record)).toContain(
      'any attempt stops the deletion and asks you again, except one in the last 15 minutes before the final check, which CloudTrail may not show yet.',
    );
  });
});
