import { emptyAccount, addUser } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import { VALID_CONFIG } from '../helpers/stack';
import { ago } from '../helpers/standin';

/** A sweep before the secrets are filled stops once, at its first step, instead of failing every case. */
describe('a sweep before setup is complete', () => {
  async function sweepWith(secretValues: { slack?: string; jira?: string }) {
    const account = emptyAccount();
    for (let index = 0; index < 5; index++)
      addUser(account, {
        userName: `idle-${index}`,
        createDate: ago(400),
        password: { createDate: ago(400), lastUsed: ago(200) },
      });
    const sim = new Simulation({
      account,
      config: { ...VALID_CONFIG, maxCandidateFraction: 1, cloudTrailRegions: ['eu-west-1'] },
      secretValues,
      // Nobody decides here: the engine's own timer ends each wait after a second.
      approvalTimeoutSeconds: 1,
    });
    await sim.start();
    try {
      const outcome = await sim.runSweep().then(
        (run) => ({ failed: undefined, cases: run.cases.length }),
        (error: Error) => ({ failed: error.message, cases: 0 }),
      );
      return {
        ...outcome,
        iamCalls: sim.aws.calls.filter((call) => call.service === 'iam').length,
        jira: sim.jira.issues.size,
      };
    } finally {
      await sim.stop();
    }
  }

  it.each([
    [
      'the Slack secret never filled',
      { slack: '{}' },
      /A secret is not filled or not well-formed: .* No case was opened\./,
    ],
    [
      'the Slack secret holding a user token, not the bot token',
      {
        slack: JSON.stringify({
          slackBotToken: 'xoxp-user-token',
          slackSigningSecret: '8f742231b10e8888abcd99aa',
        }),
      },
      /A secret is not filled or not well-formed: .* No case was opened\./,
    ],
    [
      'the Jira secret never filled',
      { jira: '{}' },
      /A secret is not filled or not well-formed: .* No case was opened\./,
    ],
  ])('stops at once when %s: one failure, no case, no IAM read', async (_label, secrets, failure) => {
    const result = await sweepWith(secrets);
    expect(result.failed).toMatch(failure);
    expect(result).toMatchObject({ cases: 0, iamCalls: 0, jira: 0 });
  });

  it('goes on once both are filled (the twin)', async () => {
    const result = await sweepWith({});
    expect(result.failed).toBeUndefined();
    expect(result.cases).toBe(5);
  });
});
