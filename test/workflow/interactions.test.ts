import { rewriteCase } from '../helpers/case-table';
import { SIM_SECRETS } from '../../lib/sim/engine-options';
import { type Simulation } from '../../lib/sim/engine';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

describe('the interactions endpoint', () => {
  it('answers 401 to forged, replayed and unsigned requests, with zero SendTask calls and no case change', async () => {
    const { sim, finished } = await startWaitingCase();
    const before = await sim.caseRecord(CASE_ID);
    const now = Math.floor(Date.now() / 1000);
    expect((await sim.click(CASE_ID, 'delete', APPROVER, { signingSecret: 'wrong-secret' })).statusCode).toBe(
      401,
    );
    expect((await sim.click(CASE_ID, 'delete', APPROVER, { timestamp: now - 360 })).statusCode).toBe(401);
    expect((await sim.click(CASE_ID, 'delete', APPROVER, { timestamp: now + 360 })).statusCode).toBe(401);
    const { handler } = await import('../../lambdas/slack-interactions/handler');
    expect((await handler({ headers: {}, body: 'payload=%7B%7D' })).statusCode).toBe(401);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect(await sim.caseRecord(CASE_ID)).toEqual(before);
    const run = await finished;
    expect(run.states).toContain('Expired');
    await sim.stop();
  });

  it('answers 400 to a malformed request, and 401 to a wrong team, changing nothing', async () => {
    const { sim, finished, account } = await startWaitingCase();
    expect((await sim.click(CASE_ID, 'purge', APPROVER)).statusCode).toBe(400);
    expect((await sim.click(CASE_ID, 'delete', APPROVER, { teamId: 'T0EVILTEAM1' })).statusCode).toBe(401);
    const { handler } = await import('../../lambdas/slack-interactions/handler');
    expect((await handler({ nothing: true })).statusCode).toBe(400);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect((await sim.caseRecord(CASE_ID))?.decision).toBeUndefined();
    await finished;
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it('tells a non-approver they may not decide, and the case does not move', async () => {
    const { sim, finished, account } = await startWaitingCase();
    expect((await sim.click(CASE_ID, 'delete', 'U0999INTRUDR')).statusCode).toBe(200);
    expect(
      sim.slack.posts
        .filter((post) => post.method === 'chat.postEphemeral')
        .map((post) => [post.user, post.text]),
    ).toEqual([
      [
        'U0999INTRUDR',
        'You are not allowed to decide iam-janitor cases. Ask an approver listed in approverSlackUserIds.',
      ],
    ]);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    const run = await finished;
    expect(run.states).toContain('Expired');
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it('refuses Deactivate on a user case, also on a case recorded before cases had a kind', async () => {
    const { sim, finished, account } = await startWaitingCase();
    // A record written by the previous release: its candidate has no kind.
    const record = await sim.caseRecord(CASE_ID);
    const legacyCandidate: Record<string, unknown> = { ...record!.candidate };
    delete legacyCandidate.kind;
    await rewriteCase(CASE_ID, {
      candidate: legacyCandidate as NonNullable<typeof record>['candidate'],
    });
    expect((await sim.click(CASE_ID, 'deactivate', APPROVER)).statusCode).toBe(200);
    expect(
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    ).toEqual(['A user case takes Delete, Disable or Keep, not Deactivate; nothing changed.']);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect((await sim.caseRecord(CASE_ID))?.decision).toBeUndefined();
    // The legacy case still takes its own decisions.
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    expect((await finished).states).toContain('Act');
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it("keeps the approver's reason with the decision, clipped to 500 characters, and none for blank input", async () => {
    const first = await startWaitingCase();
    await first.sim.click(CASE_ID, 'keep', APPROVER, { reason: `  ${'x'.repeat(600)}  ` });
    expect((await first.sim.caseRecord(CASE_ID))?.decision?.reason).toHaveLength(500);
    await first.finished;
    await first.sim.stop();
    const blank = await startWaitingCase();
    await blank.sim.click(CASE_ID, 'keep', APPROVER, { reason: '   ' });
    expect((await blank.sim.caseRecord(CASE_ID))?.decision).not.toHaveProperty('reason');
    await blank.finished;
    await blank.sim.stop();
  });

  it('lets the first of two approvers win, tells the second who decided, and sends one SendTask', async () => {
    const { sim, finished, account } = await startWaitingCase();
    const [first, second] = await Promise.all([
      sim.click(CASE_ID, 'keep', APPROVER),
      sim.click(CASE_ID, 'delete', 'U0456GHIJKL'),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    const run = await finished;
    const record = await sim.caseRecord(CASE_ID);
    expect(record?.decision?.decision).toBe(record?.decision?.decidedBy === APPROVER ? 'keep' : 'delete');
    const loser = record?.decision?.decidedBy === APPROVER ? 'U0456GHIJKL' : APPROVER;
    const told = sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral');
    expect(told.map((post) => post.user)).toEqual([loser]);
    expect(told[0]!.text).toMatch(
      new RegExp(
        `^Already decided: \\*${record?.decision?.decision}\\* by <@${record?.decision?.decidedBy}>`,
      ),
    );
    expect(run.states).toContain('Act');
    expect(account.users.has('loaded')).toBe(record?.decision?.decision === 'keep');
    await sim.stop();
  });

  it('answers a repeat of the same click quietly, as when Slack re-sends a slow request', async () => {
    const { sim, finished } = await startWaitingCase();
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    await finished;
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    expect(sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral')).toEqual([]);
    await sim.stop();
  });

  it('replaces the buttons with the decision once decided', async () => {
    const { sim, finished } = await startWaitingCase();
    await sim.click(CASE_ID, 'keep', APPROVER);
    await finished;
    const record = await sim.caseRecord(CASE_ID);
    const message = sim.slack.messages.get(record!.slackTs!)!;
    expect(message.blocks!.some((block) => block.type === 'actions')).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain(`<@${APPROVER}> chose *Keep*`);
    await sim.stop();
  });

  it('answers a click after expiry politely, and the user is kept', async () => {
    const { sim, finished, account } = await startWaitingCase({ approvalTimeoutSeconds: 1 });
    const run = await finished;
    expect(run.states).toContain('Expired');
    expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
    expect(sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').at(-1)?.text).toMatch(
      /takes no decision now|already expired/,
    );
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it('writes no outcome when Step Functions says the token timed out: the machine records what happened', async () => {
    const { sim, finished, account } = await startWaitingCase();
    // Step Functions answers TaskTimedOut both for an expired wait and for a token already answered.
    sim.aws.options.onTaskCallback = () => ({ code: 'TaskTimedOut', message: 'Task Timed Out' });
    expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
    expect(sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').at(-1)?.text).toMatch(
      /^The workflow is not waiting on this request right now: .* This click changed nothing else; the thread will show the outcome\.$/,
    );
    const afterClick = await sim.caseRecord(CASE_ID);
    expect(afterClick?.outcome).toBeUndefined();
    expect(afterClick?.status).not.toBe('closed');
    await finished;
    expect(await sim.caseRecord(CASE_ID)).toMatchObject({
      outcome: 'expired',
      outcomeDetail: `a delete decision by ${APPROVER} arrived after the approval expired; nothing changed`,
    });
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it('keeps the task token and the secrets out of Slack', async () => {
    const { sim, finished } = await startWaitingCase();
    await sim.click(CASE_ID, 'keep', APPROVER);
    await finished;
    const everything = JSON.stringify(sim.slack.posts);
    expect(everything).not.toContain('sim-task-token');
    for (const secret of Object.values(SIM_SECRETS)) expect(everything).not.toContain(secret);
    const buttons = sim.slack.posts[0]!.blocks!.find((block) => block.type === 'actions') as {
      elements: { value: string }[];
    };
    expect(buttons.elements.map((element) => element.value)).toEqual([CASE_ID, CASE_ID, CASE_ID]);
    await sim.stop();
  });

  describe('Enterprise Grid organization-wide installs', () => {
    const ORG = 'E0123ORGWIDE';

    it('accepts a click with "team": null from the configured organization', async () => {
      const { sim, finished } = await startWaitingCase({
        config: {
          ...VALID_CONFIG,
          slackTeamId: undefined,
          slackEnterpriseId: ORG,
          approverSlackUserIds: [APPROVER],
        },
      });
      expect((await sim.click(CASE_ID, 'keep', APPROVER, { enterpriseId: ORG })).statusCode).toBe(200);
      const run = await finished;
      expect(run.states).toContain('Act');
      expect((await sim.caseRecord(CASE_ID))?.outcome).toBe('kept');
      await sim.stop();
    });

    it('refuses a click from another organization, and an org-wide click when no organization is configured', async () => {
      const { sim, finished } = await startWaitingCase();
      expect((await sim.click(CASE_ID, 'delete', APPROVER, { enterpriseId: ORG })).statusCode).toBe(401);
      const other = await startWaitingCase({
        config: { ...VALID_CONFIG, slackEnterpriseId: ORG, approverSlackUserIds: [APPROVER] },
      });
      expect(
        (await other.sim.click(CASE_ID, 'delete', APPROVER, { enterpriseId: 'E0999EVILORG' })).statusCode,
      ).toBe(401);
      expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
      expect(other.sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
      await Promise.all([finished, other.finished]);
      await Promise.all([sim.stop(), other.sim.stop()]);
    });
  });

  describe('a decision that could not be delivered', () => {
    /** Step Functions answers 503 to the next `times` SendTaskSuccess calls, more than the SDK retries. */
    function failDelivery(sim: Simulation, times: number) {
      const deliver = sim.aws.options.onTaskCallback!;
      let left = times;
      sim.aws.options.onTaskCallback = (call) =>
        left-- > 0
          ? { code: 'ServiceUnavailable', message: 'Service unavailable', status: 503 }
          : deliver(call);
    }

    it('tells the approver to click again, and the same click then resumes the workflow', async () => {
      const { sim, finished, account } = await startWaitingCase();
      failDelivery(sim, 5);
      expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
      const told = sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral');
      expect(told.map((post) => post.text)).toEqual([
        expect.stringMatching(
          /decision for loaded is recorded, but the workflow could not be resumed.*click \*Delete\* again/,
        ),
      ]);
      const waiting = await sim.caseRecord(CASE_ID);
      expect(waiting).toMatchObject({ status: 'decided', decision: { decision: 'delete' } });
      expect(waiting?.decisionDeliveredAt).toBeUndefined();
      // WHEN the approver (or Slack's retry) sends the same click again
      expect((await sim.click(CASE_ID, 'delete', APPROVER)).statusCode).toBe(200);
      const run = await finished;
      expect(run.states).toContain('Act');
      expect((await sim.caseRecord(CASE_ID))?.outcome).toBe('deleted');
      expect(account.users.has('loaded')).toBe(false);
      await sim.stop();
    });

    it('does not let another approver or another choice ride on an undelivered decision', async () => {
      const { sim, finished, account } = await startWaitingCase();
      failDelivery(sim, 5);
      await sim.click(CASE_ID, 'keep', APPROVER);
      const calls = sim.aws.callsOf('SendTaskSuccess').length;
      await sim.click(CASE_ID, 'delete', 'U0456GHIJKL');
      await sim.click(CASE_ID, 'delete', APPROVER);
      expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(calls);
      const run = await finished;
      expect(run.states).toContain('Expired');
      expect(account.users.has('loaded')).toBe(true);
      await sim.stop();
    });
  });
});
