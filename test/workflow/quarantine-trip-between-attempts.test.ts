import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

/**
 * The Quarantine state's first attempt stores its token (awaitEnd) and then fails (Slack's
 * answer to the "is quarantined" reply is lost: SlackUnavailableError, retried by the ASL). The
 * daily watcher runs in the retry's backoff: the user's key was tried, so it trips the quarantine
 * (trip() holds) and resumes the dead token (refused). The retry must carry the trip on with its
 * own token, so that the approvers are asked Release or Delete now, rather than fail its write and
 * end the case in RecordFailure with nobody asked about a tripped quarantine.
 */
describe('a trip between two attempts of the Quarantine state', () => {
  afterEach(() => jest.restoreAllMocks());

  it('still asks Release or Delete now', async () => {
    const account = loadedAccount();
    const clock = new SimClock(new Date('2026-11-20T09:00:00Z'));
    let lost = false;
    const sim: Simulation = new Simulation({
      account,
      config: { ...VALID_CONFIG, quarantineDays: 5, approverSlackUserIds: [APPROVER] },
      clock,
      onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
      // The second attempt's wait: the next day's watcher answers it (its trip, if it saw none).
      onQuarantine: (caseId, taskToken) => watchQuarantine(sim, caseId, taskToken),
      onAfterTrip: async () => undefined,
    });
    sim.slack.loseAnswer = async (post) => {
      if (lost || !post.text?.includes('is quarantined')) return false;
      lost = true;
      return true;
    };
    const original = QuarantineStore.prototype.awaitEnd;
    let calls = 0;
    const watched: unknown[] = [];
    jest.spyOn(QuarantineStore.prototype, 'awaitEnd').mockImplementation(async function (
      this: QuarantineStore,
      ...args
    ) {
      if (++calls === 2) {
        // The retry's backoff: the watcher runs, and sees the attempt on the key.
        clock.advanceTo(new Date(clock.now().getTime() + 24 * 3600 * 1000));
        recordAttempt(account, 'loaded', { at: clock.now(), credential: 'AKIALOADED1' });
        watched.push(await sim.runWatcher());
      }
      return original.apply(this, args);
    });
    await sim.start();
    try {
      const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
      const record = (await sim.caseRecord(CASE_ID))!;
      expect(watched).toHaveLength(1);
      expect(record.quarantine?.trippedAt).toBeDefined();
      expect(run.states).toContain('AskAfterTrip');
      expect(run.states).not.toContain('RecordFailure');
      expect(sim.slack.posts.some((post) => /release or delete now/i.test(post.text ?? ''))).toBe(true);
      // Nobody chose in time: the user is left quarantined, as the outcome says.
      expect(record.outcome).toBe('quarantine-tripped');
    } finally {
      await sim.stop();
    }
  });
});
