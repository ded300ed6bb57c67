import type { CaseRun } from '../../lib/sim/engine-options';
import { APPROVER, CASE_ID, candidateFor, loadedAccount, startWaitingCase } from '../helpers/sim';
import { Simulation } from '../../lib/sim/engine';
import { VALID_CONFIG } from '../helpers/stack';

/**
 * One decision, one action, one true record: whatever the order in which clicks, retries and
 * Step Functions' answers arrive, the record, Jira and Slack say what the remover really did.
 */
describe('decision delivery', () => {
  it('a double click on Delete deletes once, and the record, Jira and Slack all say deleted', async () => {
    const { sim, finished, account } = await startWaitingCase();
    // GIVEN the second click arrives while the first one's SendTaskSuccess is in flight, before
    // the first has marked the decision delivered (the interleaving of a quick double click)
    const deliver = sim.aws.options.onTaskCallback!;
    let second: Promise<unknown> | undefined;
    sim.aws.options.onTaskCallback = async (call) => {
      if (!second) {
        second = sim.click(CASE_ID, 'delete', APPROVER);
        await second;
      }
      return deliver(call);
    };
    // WHEN
    expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
    const run = await finished;
    // THEN one of the two SendTaskSuccess calls was refused, as Step Functions refuses a used token
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(2);
    expect(run.states).toContain('Act');
    expect(account.users.has('loaded')).toBe(false);
    const record = await sim.caseRecord(CASE_ID);
    expect(record).toMatchObject({ outcome: 'deleted', status: 'closed' });
    const issue = sim.jira.issues.get(record!.jiraKey!)!;
    expect(JSON.stringify(issue.comments)).toContain('Outcome: deleted');
    expect(JSON.stringify(issue.comments)).not.toContain('expired');
    const thread = sim.slack.threadOf(record!.slackTs!).map((post) => post.text);
    expect(thread.join('\n')).not.toMatch(/expired|nothing changed/);
    const ephemeral = sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral');
    expect(ephemeral.map((post) => post.text).join('\n')).not.toMatch(/expired|was kept/);
    await sim.stop();
  });

  it('a decision clicked on a request whose posting answer was lost reaches the retried request', async () => {
    const account = loadedAccount();
    const sim = new Simulation({
      account,
      config: { ...VALID_CONFIG, approverSlackUserIds: [APPROVER], cloudTrailRegions: ['eu-west-1'] },
      approvalTimeoutSeconds: 30,
    });
    await sim.start();
    // GIVEN Slack posts the first request but its answer is lost; the approver clicks that message
    // before the request step's retry posts it again with a new task token
    let lost = false;
    sim.slack.loseAnswer = async () => {
      if (lost) return false;
      lost = true;
      expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
      return true;
    };
    // WHEN the case runs with nobody clicking again
    const run: CaseRun = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
    // THEN the stored decision reached the retried request's token, and the user was deleted
    expect(run.states.filter((state) => state === 'RequestApproval').length).toBeGreaterThanOrEqual(1);
    expect(run.states).toContain('Act');
    expect(run.states).not.toContain('Expired');
    expect(account.users.has('loaded')).toBe(false);
    expect(await sim.caseRecord(CASE_ID)).toMatchObject({
      outcome: 'deleted',
      decision: { decision: 'delete', decidedBy: APPROVER },
    });
    await sim.stop();
  });

  it("the decider's repeat click delivers a stored, undelivered decision to the current token", async () => {
    const { sim, finished, account } = await startWaitingCase();
    // GIVEN a decision stored whose delivery never happened (the click's Lambda died after the write)
    await sim.store.recordDecision(CASE_ID, {
      decision: 'keep',
      decidedBy: APPROVER,
      decidedAt: new Date().toISOString(),
    });
    // WHEN another approver clicks Delete, and then the decider clicks Keep again
    expect((await sim.click(CASE_ID, 'delete', 'U0456GHIJKL')).statusCode).toBe(200);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    // THEN the first decision stands and is delivered: the user is kept, not deleted
    await finished;
    expect(account.users.has('loaded')).toBe(true);
    expect(await sim.caseRecord(CASE_ID)).toMatchObject({
      outcome: 'kept',
      decision: { decision: 'keep', decidedBy: APPROVER },
    });
    expect(
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    ).toEqual([expect.stringMatching(/^Already decided: \*keep\* by <@U0123ABCDEF> /)]);
    await sim.stop();
  });
});
