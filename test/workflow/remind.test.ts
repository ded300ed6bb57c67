import type { CaseRecord } from '../../lambdas/commons/case/record';
import { reminderDue, handler as remind } from '../../lambdas/remind/handler';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { lambdaContext } from '../../lib/sim/handlers';
import { CASE_ID, startWaitingCase } from '../helpers/sim';
import { rewriteCase } from '../helpers/case-table';

const waiting = {
  status: 'awaiting-decision',
  slackTs: '1.2',
  openedAt: '2026-11-22T09:00:00.000Z',
} as CaseRecord;

describe('reminders', () => {
  it('are due every reminderHours after the request, then after the last reminder', () => {
    expect(reminderDue(waiting, 24, new Date('2026-11-23T08:59:00Z'))).toBe(false);
    expect(reminderDue(waiting, 24, new Date('2026-11-23T09:00:00Z'))).toBe(true);
    expect(
      reminderDue(
        { ...waiting, lastReminderAt: '2026-11-23T09:00:00.000Z' },
        24,
        new Date('2026-11-23T10:00:00Z'),
      ),
    ).toBe(false);
  });

  it('are due after a quarantine tripped, from the trip, and never while it is only watched', () => {
    const tripped = {
      ...waiting,
      status: 'quarantine-tripped',
      lastReminderAt: '2026-11-23T09:00:00.000Z',
      quarantine: { trippedAt: '2026-12-01T09:00:00.000Z' },
    } as CaseRecord;
    expect(reminderDue(tripped, 24, new Date('2026-12-02T08:59:00Z'))).toBe(false);
    expect(reminderDue(tripped, 24, new Date('2026-12-02T09:00:00Z'))).toBe(true);
    expect(reminderDue({ ...tripped, status: 'quarantined' }, 24, new Date('2026-12-30T00:00:00Z'))).toBe(
      false,
    );
  });

  it('are never due for a decided or closed case', () => {
    expect(reminderDue({ ...waiting, status: 'decided' }, 24, new Date('2026-12-30T00:00:00Z'))).toBe(false);
    expect(reminderDue({ ...waiting, status: 'closed' }, 24, new Date('2026-12-30T00:00:00Z'))).toBe(false);
  });

  it('are posted in the thread of a waiting case, once per period', async () => {
    const { sim, finished } = await startWaitingCase();
    const later = new Date(Date.now() + 25 * 3_600_000);
    // Invoked as Lambda invokes it, (event, context); the time is the clock's, a day later.
    useClock({ now: () => later });
    try {
      expect((await remind({}, lambdaContext('remind'))).reminded).toEqual([CASE_ID]);
      expect((await remind({}, lambdaContext('remind'))).reminded).toEqual([]);
    } finally {
      useClock(undefined);
    }
    const record = await sim.caseRecord(CASE_ID);
    expect(sim.slack.threadOf(record!.slackTs!).map((post) => post.text)).toEqual([
      expect.stringMatching(
        /^Reminder: loaded still needs a decision\. About \d+ h left; without one the user is kept\.$/,
      ),
    ]);
    expect(record?.reminders).toBe(1);
    await finished;
    await sim.stop();
  });

  it('escapes an Organizations account name, which anyone who names the account writes', async () => {
    const { sim, finished } = await startWaitingCase();
    // GIVEN the member account is named to ping the channel and disguise a link
    const record = await sim.caseRecord(CASE_ID);
    await rewriteCase(CASE_ID, {
      candidate: {
        ...record!.candidate,
        accountId: '111122223333',
        accountAlias: '<!channel> <http://evil.example|SEC-1>',
      },
    });
    useClock({ now: () => new Date(Date.now() + 25 * 3_600_000) });
    try {
      expect((await remind({}, lambdaContext('remind'))).reminded).toEqual([CASE_ID]);
    } finally {
      useClock(undefined);
    }
    // THEN the reminder shows the name as text: no ping, no link
    expect(sim.slack.threadOf(record!.slackTs!).map((post) => post.text)).toEqual([
      expect.stringMatching(
        /^Reminder: loaded in &lt;!channel&gt; &lt;http:\/\/evil\.example\|SEC-1&gt; \(111122223333\) still needs a decision\./,
      ),
    ]);
    await finished;
    await sim.stop();
  });
});
