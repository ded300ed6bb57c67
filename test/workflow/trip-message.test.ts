import * as path from 'node:path';
import { formatTime } from '../../lambdas/commons/runtime/text';
import { addUser } from '../../lib/sim/account';
import { main } from '../../lib/cli/main';
import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import type { SlackPost } from '../../lib/sim/standins/slack-standin';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

/**
 * The trip message asks Release or Delete now. Once its case has ended, however it ended (nobody
 * chose in time, a release from the terminal, a user recreated meanwhile), no button of it may
 * still be live, and every Slack text names people as Slack can show them.
 */

/** A mention of anything but a Slack user id (U…, W…): Slack shows `<@alice>` as a broken mention. */
const BROKEN_MENTION = /<@(?![UW][A-Z0-9]{8,}>)/;

const everyText = (posts: readonly SlackPost[]) =>
  posts.map((post) => `${post.text}\n${JSON.stringify(post.blocks ?? [])}`);

/**
 * One loaded user whose Delete is approved and whose quarantine trips on its first day (a refused
 * key call); `afterTrip` runs once the trip message is posted, before the approvers' time runs out.
 */
async function trippedCase(afterTrip: (sim: Simulation) => Promise<void>) {
  const account = loadedAccount();
  const sim: Simulation = new Simulation({
    account,
    config: { ...VALID_CONFIG, quarantineDays: 5, approverSlackUserIds: [APPROVER] },
    clock: new SimClock(new Date()),
    onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
    onQuarantine: (caseId, taskToken) =>
      watchQuarantine(sim, caseId, taskToken, async (day) =>
        recordAttempt(account, 'loaded', { at: day, credential: 'AKIALOADED1' }),
      ),
    onAfterTrip: () => afterTrip(sim),
  });
  await sim.start();
  try {
    await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
    const record = (await sim.caseRecord(CASE_ID))!;
    return { record, slack: sim.slack, account };
  } finally {
    await sim.stop();
  }
}

/** `iam-janitor release --case … --by oncall`, as an operator types it: everything it printed. */
async function releaseFromTerminal(said: string[]) {
  const code = await main(['release', '--case', CASE_ID, '--table', CASE_TABLE, '--by', 'oncall', '--yes'], {
    stdout: (text) => void said.push(text),
    stderr: (text) => void said.push(text),
  });
  said.push(`exit ${code}`);
}

describe('the trip message, once its case has ended', () => {
  it('keeps no button when nobody chose in time, and says how the case ended', async () => {
    const { record, slack } = await trippedCase(async () => undefined);
    expect(record.outcome).toBe('quarantine-tripped');
    const trip = slack.shown.get(record.quarantine!.tripMessageTs!)!;
    expect(slack.withButtons()).toEqual([]);
    expect(JSON.stringify(trip.blocks)).toContain('Case closed');
    expect(JSON.stringify(trip.blocks)).toContain('iam-janitor release --case');
  });

  it('keeps no button after a release from the terminal, and names the operator without a broken mention', async () => {
    const said: string[] = [];
    const { record, slack } = await trippedCase(async (sim) => {
      await releaseFromTerminal(said);
      // An approver clicks the still-shown Delete now before the case closes.
      await sim.click(CASE_ID, 'delete', APPROVER);
    });
    expect(said.at(-1)).toBe('exit 0');
    expect(record.outcome).toBe('released');
    expect(slack.withButtons()).toEqual([]);
    // The trip message says what holds now: released, by whom, at the record's time.
    const trip = everyText([slack.shown.get(record.quarantine!.tripMessageTs!)!])[0]!;
    expect(trip).toContain(`Released by oncall at ${formatTime(record.quarantine!.releasedAt!)}`);
    expect(trip).not.toContain('stays quarantined');
    const texts = everyText(slack.posts);
    expect(texts.filter((text) => BROKEN_MENTION.test(text))).toEqual([]);
    // The ephemeral answer to the late click names who released.
    expect(texts.some((text) => text.includes('Already chosen: *Release* by oncall'))).toBe(true);
  });

  it('is told truly by the terminal when the user was recreated meanwhile: the case ends aborted-changed', async () => {
    const said: string[] = [];
    const { record, slack } = await trippedCase(async (sim) => {
      // Deleted and created again by an admin: another IAM user under the same name.
      const old = sim.aws.account.users.get('loaded')!;
      sim.aws.account.users.delete('loaded');
      addUser(sim.aws.account, { userName: 'loaded', path: old.path, userId: 'AIDARECREATED0000001' });
      await releaseFromTerminal(said);
    });
    expect(record.outcome).toBe('aborted-changed');
    // Nobody released it: the record says the case's user is gone.
    expect(record.quarantine).toMatchObject({ userGoneAt: expect.any(String) });
    expect(record.quarantine?.releasedAt).toBeUndefined();
    const printed = said.join('\n');
    // Every ending the terminal foretells is one the case can reach, and the one it reached is among them.
    expect(printed).toContain('aborted-changed');
    expect(printed).not.toMatch(/the case ends released\.?$/m);
    expect(slack.withButtons()).toEqual([]);
  });
});

describe('every example, once its cases have ended', () => {
  it.each(['quarantine', 'faults'])(
    '%s leaves no message with a live button',
    async (name) => {
      let live: SlackPost[] = [];
      const detail = await runScenario(
        loadScenario(path.join(__dirname, '..', '..', 'examples', `${name}.json`)),
        {
          afterRun: async (sim) => void (live = sim.slack.withButtons()),
        },
      );
      expect(detail.report.cases.length).toBeGreaterThan(0);
      expect(live.map((post) => post.text)).toEqual([]);
    },
    120_000,
  );
});
