import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import type { CaseRecord, QuarantineRecord } from '../../lambdas/commons/case/record';
import type { Outcome } from '../../lambdas/commons/contracts/outcome';
import { formatTime } from '../../lambdas/commons/runtime/text';

// A quarantine's window is printed as it happened: the planned end (the quarantine-ends tag) is
// the end only of a window that ran its course. Released, tripped and held, deleted after Delete
// now, the user gone: each prints its own end, or that it has none, never the planned date.

const base = {
  policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
  startedAt: '2026-11-22T09:00:00.000Z',
  endsAt: '2026-12-06T09:00:00.000Z',
  appliedAt: '2026-11-22T09:00:05.000Z',
  attachedByJanitor: true,
  attempts: [],
} satisfies QuarantineRecord;
const attempt = {
  at: '2026-11-27T08:02:00.000Z',
  credential: 'password',
  seenIn: 'CloudTrail',
  eventName: 'ConsoleLogin',
} as const;
const tripped = { ...base, attempts: [attempt], trippedAt: '2026-11-27T09:00:00.000Z' };
const choice = (decision: 'delete' | 'keep', decidedAt: string) => ({
  decision,
  decidedBy: 'U0456GHIJKL',
  decidedAt,
});

/** Each way a window ends before its plan, with the outcome of its case and the time it ended (if known). */
const endedEarly: Record<string, { quarantine: QuarantineRecord; outcome: Outcome; endedAt?: string }> = {
  'tripped, undecided, left quarantined': { quarantine: tripped, outcome: 'quarantine-tripped' },
  'tripped, then released': {
    quarantine: {
      ...tripped,
      decision: choice('keep', '2026-11-27T09:30:00.000Z'),
      releasedAt: '2026-11-27T09:31:00.000Z',
      releasedBy: 'U0456GHIJKL',
    },
    outcome: 'released',
    endedAt: '2026-11-27T09:31:00.000Z',
  },
  'tripped, then Delete now': {
    quarantine: {
      ...tripped,
      decision: choice('delete', '2026-11-28T10:00:00.000Z'),
      decisionDeliveredAt: '2026-11-28T10:00:01.000Z',
    },
    outcome: 'deleted',
    endedAt: '2026-11-28T10:00:00.000Z',
  },
  'released during the watch, untripped': {
    quarantine: { ...base, releasedAt: '2026-11-24T12:00:00.000Z', releasedBy: 'alice' },
    outcome: 'released',
    endedAt: '2026-11-24T12:00:00.000Z',
  },
  'the user deleted by someone else': {
    quarantine: { ...tripped, userGoneAt: '2026-11-29T09:00:00.000Z' },
    outcome: 'quarantine-tripped',
    endedAt: '2026-11-29T09:00:00.000Z',
  },
  'the deny taken off and put back, then tripped': {
    quarantine: {
      ...base,
      trippedAt: '2026-11-25T09:00:00.000Z',
      breaches: [{ kind: 'deny-detached', detail: 'AWSDenyAll was taken off and put back', putBack: true }],
    },
    outcome: 'quarantine-tripped',
  },
};

/** The paragraph as every surface prints it: with the case's own answer to "does the deny hold?". */
const printed = (quarantine: QuarantineRecord, outcome: Outcome) =>
  quarantineText(quarantine, quarantineHeld({ quarantine, outcome } as CaseRecord, outcome));

describe('a quarantine window is printed as it happened', () => {
  it.each(Object.entries(endedEarly))(
    '%s: never its planned end',
    (_name, { quarantine, outcome, endedAt }) => {
      const text = printed(quarantine, outcome);
      expect(text).toContain(formatTime(quarantine.startedAt));
      expect(text).not.toContain(formatTime(quarantine.endsAt));
      if (endedAt) expect(text).toContain(formatTime(endedAt));
      // Held after a trip: no end at all, and it says so.
      if (quarantineHeld({ quarantine, outcome } as CaseRecord, outcome))
        expect(text).toMatch(/still in place/);
    },
  );

  it('prints the planned end of a window that ran its course, and of one still running', () => {
    const silent = { ...base, verdict: 'silent', lastCheckedAt: base.endsAt } as const;
    expect(printed(silent, 'deleted')).toContain(`until ${formatTime(base.endsAt)}, then deleted`);
    expect(printed(base, 'failed')).toContain(formatTime(base.endsAt));
    // Silent to its end, and the deletion then refused: the deny still holds, and it says so.
    expect(printed(silent, 'aborted-changed')).toMatch(/still in place/);
    expect(quarantineText(base)).toMatch(/still in place; to end at 2026-12-06 09:00 UTC if nobody tries/);
  });
});
