import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { addUser } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import { generateScenario } from '../../lib/sim/generate';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { APPROVER, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';
import { ago } from '../helpers/standin';

const example = (name: string) => path.join(__dirname, '..', '..', 'examples', `${name}.json`);

describe('the large-account generator', () => {
  it('builds a scenario the simulator runs, with the idle share as candidates', async () => {
    const scenario = generateScenario({ users: 50, inactiveFraction: 0.1 });
    expect(scenario.users).toHaveLength(50);
    const detail = await runScenario(scenario);
    expect(detail.report.sweep).toMatchObject({ usersScanned: 50, halted: false });
    expect([...detail.report.sweep.candidates].sort()).toEqual([
      'user-00000',
      'user-00001',
      'user-00002',
      'user-00003',
      'user-00004',
    ]);
    expect(detail.report.cases.map((entry) => entry.outcome)).toEqual(Array(5).fill('expired'));
    expect(detail.report.remainingUsers).toHaveLength(50);
  });
});

describe('a protected user approved anyway', () => {
  it('is not deleted, by the code guard and the emulated IAM Deny', async () => {
    const account = loadedAccount();
    addUser(account, {
      userName: 'vip',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(200) },
      tags: { 'iam-janitor:protected': 'true' },
    });
    const sim: Simulation = new Simulation({
      account,
      config: VALID_CONFIG,
      standin: { denyMutationsOnTag: 'iam-janitor:protected' },
      approvalTimeoutSeconds: 2,
      onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
    });
    await sim.start();
    const run = await sim.runCase(candidateFor(account, 'vip'), 'vip-case');
    const record = await sim.caseRecord('vip-case');
    await sim.stop();
    expect(run.states).toEqual([
      'GatherContext',
      'OpenTicket',
      'RequestApproval',
      'ChooseAction',
      'Act',
      'Refused',
      'RecordOutcome',
    ]);
    expect(record?.outcome).toBe('refused');
    expect(record?.outcomeDetail).toMatch(/^vip carries the protected tag/);
    expect(account.users.get('vip')?.password).not.toBeNull();
    expect(sim.aws.mutatingCalls()).toEqual([]);
  });
});

describe('simulate, as a person reads it', () => {
  it('by default, prints a line per case, the request as an approver sees it, with its buttons, and no ticket', async () => {
    const out: string[] = [];
    await main(['simulate'], { stdout: (text) => void out.push(text), stderr: () => undefined });
    const text = out.join('\n');
    const scenario = loadScenario(example('demo-account'));
    const summary = text.slice(text.indexOf('── Summary'), text.indexOf('── Faults'));
    // One row per case, in the order the sweep opened them.
    expect(
      summary.split('\n').filter((line) => /^ {2}\w+\s+(none|keep|delete|disable)\s/.test(line)),
    ).toHaveLength(6);
    const request = text.slice(text.indexOf('── What an approver sees'), text.indexOf('── Summary'));
    expect(request).toMatch(/┃ ▌ Inactive IAM user: erin/);
    expect(request).toContain('┃ [ Quarantine for 14 days, then delete … ]  [ Disable ]  [ Keep ]');
    // The ticket bodies and threads are --verbose only.
    expect(text).not.toContain('│ ### Facts');
    expect(text).not.toContain('Jira SEC-1:');
    expect(text.split('\n').length).toBeLessThan(120);
    expect(scenario.users.length).toBe(13);
  });

  it('says which faults it injected, how many calls each hit, and every refusal', async () => {
    const run = async (name: string) => {
      const out: string[] = [];
      await main(['simulate', '--scenario', example(name)], {
        stdout: (text) => void out.push(text),
        stderr: () => undefined,
      });
      const text = out.join('\n');
      return text.slice(text.indexOf('── Faults injected'), text.indexOf('── What changed'));
    };
    const faults = await run('faults');
    const { faults: injected } = loadScenario(example('faults'));
    expect(faults).toMatch(
      new RegExp(
        `IAM answered Throttling to [1-9]\\d* of \\d+ IAM calls \\(faults.iamThrottleRate: ${Math.round(injected.iamThrottleRate * 100)}% of calls, at random\\)`,
      ),
    );
    expect(faults).toContain(
      `Jira answered 503 to its first ${injected.jiraFailures} calls (faults.jiraFailures): ${injected.jiraFailures} requests failed`,
    );
    expect(faults).toContain('Slack answered 500 to its first call (faults.slackFailures): 1 call failed');
    expect(faults).toContain('nothing was refused');
    const refusals = await run('safety-organization');
    expect(refusals).toContain('no fault injected');
    expect(refusals).toMatch(
      /⛔ Slack told @U0123ABCDEF only, on the case of \S+ \(\S+\): "You cannot decide a case about yourself/,
    );
    expect(refusals).toMatch(
      /⛔ offboard 333333333333\/contractor refused: AWS account 333333333333 is SUSPENDED/,
    );
    const denied = await run('organization');
    expect(denied).toContain(
      '⛔ AWS denied sts:AssumeRole into arn:aws:iam::333333333333:role/iam-janitor-member-reader.',
    );
  }, 120_000);

  it('counts rather than lists the users of a large account, and tells a terminal how the cases progress', async () => {
    const { generateScenario } = await import('../../lib/sim/generate');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-big-')), 'big.json');
    fs.writeFileSync(file, JSON.stringify(generateScenario({ users: 400, inactiveFraction: 0.1 })));
    const out: string[] = [];
    const err: string[] = [];
    const progress: string[] = [];
    await main(['simulate', '--scenario', file], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      progress: (done, total, what) => progress.push(`${done}/${total} ${what}`),
    });
    const text = out.join('\n');
    expect(err.join('\n')).toContain(
      'Simulating 400 users: the sweep reads them all, then each case runs to its end.',
    );
    const opened = Number(/(\d+) cases? opened/.exec(text)![1]);
    expect(progress).toEqual(Array.from({ length: opened }, (_, index) => `${index + 1}/${opened} cases`));
    expect(text).toMatch(
      /\d+ active, \d+ inactive; the first 20 of the \d+ users the sweep opened a case for, .*\(--verbose lists all 400\)/,
    );
    expect(text).toMatch(/unchanged: \d+ users/);
    expect(text.split('\n').length).toBeLessThan(150);
  }, 240_000);
});
