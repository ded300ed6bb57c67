import type { CaseRecord, SweepRecord } from '../../lambdas/commons/case/record';
import { handler as postSummary } from '../../lambdas/summary/handler';
import { summaryOf, summaryText } from '../../lambdas/summary/summary';
import { addUser, candidateOf, emptyAccount } from '../../lib/sim/account';
import { lambdaContext } from '../../lib/sim/handlers';
import { Simulation } from '../../lib/sim/engine';
import { APPROVER } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';
import { ago } from '../helpers/standin';

const SINCE = new Date('2026-11-23T09:00:00Z');
const record = (fields: Partial<CaseRecord>) =>
  ({
    status: 'closed',
    candidate: { kind: 'user' },
    openedAt: '2026-11-01T00:00:00Z',
    ...fields,
  }) as CaseRecord;

describe('the weekly summary', () => {
  it('counts the week only: opened, decided, waiting, outcomes, and the latest sweep', () => {
    const cases = [
      // Opened, decided and closed this week.
      record({
        openedAt: '2026-11-24T09:00:00Z',
        decision: { decision: 'delete', decidedBy: APPROVER, decidedAt: '2026-11-24T10:00:00Z' },
        outcome: 'deleted',
        closedAt: '2026-11-24T10:01:00Z',
      }),
      // A credential case opened this week, still waiting.
      record({
        openedAt: '2026-11-29T09:00:00Z',
        status: 'awaiting-decision',
        candidate: { kind: 'credential' } as never,
      }),
      // Last month's: not this week's, in any count.
      record({ outcome: 'kept', closedAt: '2026-11-02T00:00:00Z' }),
      // Approved last month and quarantined: not waiting for anyone, watched.
      record({ status: 'quarantined', quarantine: { startedAt: '2026-11-20T09:00:00Z' } as never }),
      // Tripped weeks ago, nobody chose: closed, and the user is still denied everything.
      record({
        userName: 'tina',
        outcome: 'quarantine-tripped',
        closedAt: '2026-10-20T09:00:00Z',
        quarantine: { appliedAt: '2026-10-01T09:00:00Z', trippedAt: '2026-10-05T09:00:00Z' } as never,
      }),
      // Released: not left quarantined.
      record({
        userName: 'rob',
        outcome: 'released',
        closedAt: '2026-10-20T09:00:00Z',
        quarantine: { appliedAt: '2026-10-01T09:00:00Z', releasedAt: '2026-10-06T09:00:00Z' } as never,
      }),
      // Tripped this week, waiting for Release or Delete now.
      record({
        status: 'quarantine-tripped',
        quarantine: { startedAt: '2026-11-20T09:00:00Z', trippedAt: '2026-11-25T09:00:00Z' } as never,
      }),
    ];
    const sweep = {
      finishedAt: '2026-11-29T08:00:00Z',
      backlog: 20,
      staleCredentials: 7,
      halted: true,
      haltReason: '30 of 31 users (96.8%) are candidates, above maxCandidateFraction (95%)',
    } as SweepRecord;
    expect(summaryText(summaryOf(cases, sweep, SINCE))).toBe(
      [
        '*iam-janitor weekly summary* (since 2026-11-23)',
        '• 2 cases opened (1 about a single credential), 1 decided',
        '• 2 cases waiting for a decision',
        '• 1 user in quarantine (denied everything, deleted if nobody tries their credentials); 1 quarantine tripped this week',
        '• ⚠ 1 user left quarantined by a closed case until someone decides, each holding what its quarantine left on it (the deny, its tags, or part of them): tina. Release with `iam-janitor release --case &lt;id&gt;`, or delete.',
        '• Outcomes: deleted 1',
        '• Latest sweep 2026-11-29: 7 stale credentials of active users found, 20 candidates waiting for a later sweep (backlog)',
        '• ⚠ That sweep was halted by the guard: 30 of 31 users (96.8%) are candidates, above maxCandidateFraction (95%). If the candidates are real, run `iam-janitor acknowledge-guard`.',
      ].join('\n'),
    );
  });

  it('is posted in the channel from the case table and the sweep record', async () => {
    const account = emptyAccount();
    for (let index = 0; index < 3; index++)
      addUser(account, {
        userName: `idle-${index}`,
        createDate: ago(400),
        password: { createDate: ago(400), lastUsed: ago(100 + index) },
      });
    for (let index = 0; index < 12; index++)
      addUser(account, {
        userName: `busy-${index}`,
        createDate: ago(400),
        password: { createDate: ago(400), lastUsed: ago(1) },
      });
    const sim = new Simulation({
      account,
      config: { ...VALID_CONFIG, maxCasesPerRun: 2 },
      approvalTimeoutSeconds: 1,
    });
    await sim.start();
    try {
      const sweep = await sim.runSweep(new Date());
      expect(sweep.output).toMatchObject({ candidateCount: 3, backlog: 1 });
      // A case closed two months ago that left its user quarantined: the weekly scan still finds it.
      const old = (await sim.store.open({
        caseId: 'AIDAOLD-2026-10-01',
        userName: 'tina',
        userId: 'AIDAOLD',
        arn: 'arn:aws:iam::123456789012:user/tina',
        candidate: { ...candidateOf(account.users.get('idle-0')!, {}), userName: 'tina' },
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:case:AIDAOLD-2026-10-01',
        openedAt: ago(60).toISOString(),
      }))!;
      await sim.quarantines.start(old.caseId, {
        startedAt: ago(59).toISOString(),
        endsAt: ago(45).toISOString(),
        policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
        attachedByJanitor: true,
        attempts: [],
      });
      await sim.quarantines.markApplied(old.caseId, ago(59).toISOString());
      await sim.store.close(old.caseId, old.candidate, {
        outcome: 'quarantine-tripped',
        closedAt: ago(50).toISOString(),
      });
      // As Lambda invokes it: (event, context).
      const { text } = await postSummary({}, lambdaContext('summary'));
      expect(text).toContain('• 2 cases opened (0 about a single credential), 0 decided');
      expect(text).toContain(
        '• ⚠ 1 user left quarantined by a closed case until someone decides, each holding what its quarantine left on it (the deny, its tags, or part of them): tina.',
      );
      expect(text).toContain(
        '0 stale credentials of active users found, 1 candidate waiting for a later sweep (backlog)',
      );
      expect(
        sim.slack.posts
          .filter((post) => post.channel === VALID_CONFIG.slackChannelId && !post.threadTs)
          .map((post) => post.text),
      ).toContainEqual(text);
    } finally {
      await sim.stop();
    }
  });
});
