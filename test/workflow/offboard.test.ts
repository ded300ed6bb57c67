import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { addUser, candidateOf, emptyAccount } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';
import { ago, startStandin } from '../helpers/standin';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:iam-janitor-case';

async function cli(args: string[]) {
  const out: string[] = [];
  const code = await main(args, {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
  });
  return { code, out: out.join('\n') };
}

describe('offboarding', () => {
  it('removes an active user on request, after an approval and a snapshot, and refuses a protected one', async () => {
    const detail = await runScenario(
      loadScenario(path.join(__dirname, '..', '..', 'examples', 'offboarding.json')),
      {},
    );
    const { report } = detail;
    // alice signed in yesterday: the sweep leaves her alone, the request does not.
    expect(report.sweep.candidates).toEqual([]);
    expect(
      report.cases.map((entry) => [entry.userName, entry.decision, entry.outcome, entry.snapshotSaved]),
    ).toEqual([['alice', 'delete', 'deleted', true]]);
    expect(report.offboardRefused).toEqual([
      {
        userName: 'ivan',
        reason: 'ivan carries the protected tag iam-janitor:protected; iam-janitor refuses to change it.',
      },
    ]);
    expect(report.remainingUsers).toEqual(['carl', 'ivan']);
    const alice = detail.cases[0]!;
    // The ticket and the message say it was requested, by whom and why, and that the user may be active.
    expect(alice.issue!.fields.summary).toBe(
      'Offboarding of IAM user alice, requested by Slack user U0456GHIJKL',
    );
    expect(alice.message?.blocks?.[0]).toMatchObject({ text: { text: 'Offboarding request: alice' } });
    expect(JSON.stringify(alice.message!.blocks)).toContain(
      'requested by Slack user U0456GHIJKL at 2026-11-22 09:00 UTC: Left the company on 2026-11-21 (HR-3001); the user may be active',
    );
  });

  it('is refused again by the case itself for a user protected after the request, before anyone is asked', async () => {
    const account = loadedAccount();
    const user = account.users.get('loaded')!;
    const candidate = candidateOf(user, { requested: { by: 'U0456GHIJKL', at: new Date().toISOString() } });
    user.tags['iam-janitor:protected'] = 'yes';
    const sim = new Simulation({ account, config: VALID_CONFIG, approvalTimeoutSeconds: 1 });
    await sim.start();
    try {
      const run = await sim.runCase(candidate, `${user.userId}-offboard-1`);
      expect(run.states).toEqual(['GatherContext', 'Refused', 'RecordOutcome']);
      expect((await sim.caseRecord(`${user.userId}-offboard-1`))?.outcomeDetail).toContain('protected tag');
      expect(account.users.has('loaded')).toBe(true);
    } finally {
      await sim.stop();
    }
  });
});

describe('iam-janitor offboard', () => {
  let standin: AwsStandin;
  afterEach(() => standin?.stop());

  function account() {
    const built = emptyAccount();
    addUser(built, {
      userName: 'alice',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(1) },
    });
    addUser(built, {
      userName: 'ivan',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(1) },
      tags: { 'iam-janitor:protected': 'yes' },
    });
    return built;
  }

  it('starts one case execution for the named user, saying who asked and why', async () => {
    standin = await startStandin(account());
    const { code, out } = await cli([
      'offboard',
      'ALICE',
      '--reason',
      'Left on Friday',
      '--by',
      'bob',
      '--state-machine',
      ARN,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Offboarding case AIDA\w+-offboard-\d{14} started for alice/);
    const [call] = standin.callsOf('StartExecution');
    const input = JSON.parse(call!.params.input!) as { candidate: Record<string, unknown> };
    expect(call!.params.stateMachineArn).toBe(ARN);
    expect(input.candidate).toMatchObject({
      userName: 'alice',
      kind: 'user',
      requested: { by: 'bob', reason: 'Left on Friday' },
      reason: 'offboarding requested by bob: Left on Friday',
    });
  });

  it('refuses a --by too long for the ticket summary, saying the limit, before starting anything', async () => {
    standin = await startStandin(account());
    const { code, out } = await cli(['offboard', 'alice', '--by', 'b'.repeat(300), '--state-machine', ARN]);
    expect(code).toBe(2);
    expect(out).toBe(
      "iam-janitor offboard: --by is 300 characters; keep it to 64: your name or login, which goes into the Jira ticket's summary (Jira allows 255 characters). Put anything longer in --reason.",
    );
    expect(standin.callsOf('StartExecution')).toEqual([]);
  });

  it('refuses a protected or unknown user before starting anything, and needs the state machine', async () => {
    standin = await startStandin(account());
    const protectedUser = await cli(['offboard', 'ivan', '--state-machine', ARN]);
    expect(protectedUser).toMatchObject({
      code: 1,
      out: expect.stringContaining('Refused: ivan carries the protected tag'),
    });
    expect((await cli(['offboard', 'nobody', '--state-machine', ARN])).code).toBe(1);
    expect((await cli(['offboard', 'alice'])).code).toBe(2);
    expect(standin.callsOf('StartExecution')).toEqual([]);
  });
});
