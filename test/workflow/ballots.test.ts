import { runScenario } from '../../lib/sim/run-scenario';
import { buttonToClick, signedClick } from '../../lib/sim/slack-click';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';

const ephemerals = (posts: { method: string; text: string }[]) =>
  posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text);

describe('a click acts on the ballot it was cast on', () => {
  it("the approval request's Delete, clicked after a trip, deletes nothing and says where to click", async () => {
    let told: string[] = [];
    let answer: number | undefined;
    let user: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-24T16:00:00Z', credential: 'AKIAIDLE000000000001' }] },
        decisions: { idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: 'release' } } },
      }),
      {
        beforeSweep: async (sim) => {
          // GIVEN the approver clicks "Quarantine for 14 days, then delete" on the original request
          // again after the trip (its buttons still show in Slack's clients), just before the
          // Release chosen on the trip message
          const click = sim.click.bind(sim);
          sim.click = async (caseId, decision, userId, overrides) => {
            const record = await sim.caseRecord(caseId);
            if (record?.status === 'quarantine-tripped' && answer === undefined)
              answer = (await click(caseId, 'delete', userId, { messageTs: record.slackTs })).statusCode;
            return click(caseId, decision, userId, overrides);
          };
        },
        afterRun: async (sim) => {
          told = ephemerals(sim.slack.posts);
          user = await liveUser(iamClient(), 'idle');
        },
      },
    );
    // THEN that click was answered with the truth and counted as no Delete now: the Release chosen
    // on the trip message is what happened, and the user is back, without the deny
    expect(answer).toBe(200);
    expect(told).toEqual([
      expect.stringMatching(
        /^This request was replaced when idle's quarantine tripped: .*only the buttons in <https:\/\/slack\.com\/archives\/[^|]+\|this message> \(Release or Delete now\) decide what follows\. This click changed nothing\.$/,
      ),
    ]);
    expect(detail.report.cases[0]).toMatchObject({ quarantine: { afterTrip: 'release' } });
    expect(detail.report.remainingUsers).toEqual(['idle']);
    expect(user!.policies).not.toContain(AWS_DENY_ALL);
  });

  it('refuses the same signed request sent twice inside the 5-minute window', async () => {
    const { sim, finished } = await startWaitingCase();
    const { handler } = await import('../../lambdas/slack-interactions/handler');
    // GIVEN one real click on Keep, as Slack signed it
    const button = buttonToClick(sim.slack.shown, await sim.caseRecord(CASE_ID), {
      caseId: CASE_ID,
      decision: 'keep',
      channel: sim.config.slackChannelId,
    });
    const request = signedClick(sim.config, { userId: APPROVER, button });
    expect((await handler(request)).statusCode).toBe(200);
    // WHEN the same bytes arrive again, with a signature that still passes
    const replayed = await handler(request);
    // THEN the copy is refused, and only the first click reached the workflow
    expect(replayed).toMatchObject({ statusCode: 401, body: 'unauthorized' });
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    // AND a new click by the same approver (a new interaction, with its own action_ts) is taken
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    await finished;
    await sim.stop();
  });
});
