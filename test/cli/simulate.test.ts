import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../lib/cli/main';
import { COLOUR, PLAIN, styleFor, type Style } from '../../lib/cli/style';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario, parseScenario } from '../../lib/sim/scenario';

const execFileAsync = promisify(execFile);
const example = (name: string) => path.join(__dirname, '..', '..', 'examples', `${name}.json`);

async function simulateJson(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['simulate', ...args, '--json'], {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
  });
  return { code, report: code === 0 ? JSON.parse(out.join('')) : undefined, err: err.join('\n') };
}

describe('iam-janitor simulate', () => {
  it('runs the demo account to every outcome, as asserted in full', async () => {
    const { code, report } = await simulateJson([]);
    expect(code).toBe(0);
    expect(report.sweep).toEqual({
      usersScanned: 13,
      // The longest-idle first: the order the batch opens them in.
      candidates: ['erin', 'grace', 'dave', 'bob', 'carol', 'frank'],
      backlog: 0,
      halted: false,
    });
    expect(
      report.cases.map(
        (entry: {
          userName: string;
          decision: string | null;
          decidedBy: string | null;
          outcome: string;
          snapshotSaved: boolean;
          jiraKey: string | null;
        }) => [
          entry.userName,
          entry.decision,
          entry.decidedBy,
          entry.outcome,
          entry.snapshotSaved,
          entry.jiraKey !== null,
        ],
      ),
    ).toEqual([
      ['erin', null, null, 'expired', false, true],
      ['grace', null, null, 'failed', false, false],
      ['dave', 'keep', 'U0123ABCDEF', 'kept', false, true],
      ['bob', 'delete', 'U0123ABCDEF', 'deleted', true, true],
      ['carol', 'disable', 'U0456GHIJKL', 'disabled', true, true],
      ['frank', 'delete', 'U0123ABCDEF', 'aborted-active', false, true],
    ]);
    expect(report.cases[3].reason).toBe('access key 1 last used 129 days ago (threshold 45)');
    // Only bob is gone; every kept, expired, aborted, failed and non-candidate user is still there.
    expect(report.remainingUsers).toEqual([
      'alice',
      'break-glass-admin',
      'carol',
      'dave',
      'deploy-bot',
      'erin',
      'frank',
      'grace',
      'heidi',
      'ivan',
      'judy',
      'mallory',
    ]);
    const keys = 'accountAfter accountChanges cases faults refusals remainingUsers sweep warnings';
    expect(Object.keys(report).sort()).toEqual(keys.split(' '));
    // What IAM holds at the end, user by user: carol, disabled, has no way in left.
    expect(Object.keys(report.accountAfter)).toEqual(report.remainingUsers);
    expect(report.accountAfter.carol.activeCredentials).toEqual([]);
    expect(report.accountAfter.dave.activeCredentials.length).toBeGreaterThan(0);
  });

  it('leaves the kept users untouched in the stand-in', async () => {
    const detail = await runScenario(loadScenario(example('demo-account')));
    const byUser = Object.fromEntries(detail.cases.map((entry) => [entry.run.userName, entry]));
    expect(byUser.dave!.record?.removed).toEqual([
      'tag iam-janitor:keep-until=' + byUser.dave!.record!.removed![0]!.split('=')[1],
    ]);
    for (const untouched of ['erin', 'frank', 'grace'])
      expect(byUser[untouched]!.record?.removed ?? []).toEqual([]);
    expect(detail.verdicts.map((user) => user.verdict).sort()).toEqual([
      'active',
      'exempt',
      'exempt',
      'exempt',
      'grace',
      'inactive',
      'inactive',
      'inactive',
      'inactive',
      'inactive',
      'inactive',
      'open-case',
      'snoozed',
    ]);
  });

  it('survives the faults example: 20% IAM throttling, Jira down twice, Slack down once', async () => {
    const { code, report } = await simulateJson(['--scenario', example('faults')]);
    expect(code).toBe(0);
    expect(report.sweep).toEqual({
      usersScanned: 6,
      candidates: ['never-used', 'old-console', 'old-key'],
      backlog: 0,
      halted: false,
    });
    expect(
      report.cases.map((entry: { userName: string; outcome: string }) => [entry.userName, entry.outcome]),
    ).toEqual([
      ['never-used', 'kept'],
      ['old-console', 'disabled'],
      ['old-key', 'deleted'],
    ]);
    expect(report.remainingUsers).toEqual(['active-user', 'busy-1', 'busy-2', 'never-used', 'old-console']);
  });

  it('deletes none of the users the safety example tries to trick it into deleting, and still deletes the plain one', async () => {
    const { code, report } = await simulateJson(['--scenario', example('safety')]);
    expect(code).toBe(0);
    // BreakGlass is exempt under the lower-case "breakglass": IAM names ignore case.
    expect(report.sweep.candidates).toEqual(['git-only', 'promoted', 'rekeyed', 'reborn', 'plain']);
    expect(
      report.cases.map((entry: { userName: string; decision: string | null; outcome: string }) => [
        entry.userName,
        entry.decision,
        entry.outcome,
      ]),
    ).toEqual([
      // A GitPull 5 days ago: active through an SSH key the credential report does not show; nobody is asked.
      ['git-only', null, 'aborted-active'],
      // Tagged protected during the wait: the code guard refuses, and the case fails with the user untouched.
      ['promoted', 'delete', 'refused'],
      // Given a new access key during the wait: the approver never saw it.
      ['rekeyed', 'delete', 'aborted-changed'],
      // Deleted and created again under the same name during the wait: the new person is not touched.
      ['reborn', 'delete', 'aborted-changed'],
      ['plain', 'delete', 'deleted'],
    ]);
    expect(report.remainingUsers).toEqual([
      'BreakGlass',
      'alice',
      'git-only',
      'promoted',
      'reborn',
      'rekeyed',
    ]);
  });

  it('never leaves the machine: runs with configured endpoints ignored and no AWS credentials at all', async () => {
    // GIVEN a user whose AWS config turns AWS_ENDPOINT_URL_* off, with no credentials anywhere
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-home-'));
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(
      path.join(home, '.aws', 'config'),
      '[default]\nregion = eu-west-1\nignore_configured_endpoint_urls = true\n',
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: 'https://iam.amazonaws.com',
    };
    // WHEN the demo runs as `npm start` runs it
    const { stdout } = await execFileAsync(
      process.execPath,
      [path.join(__dirname, '..', '..', 'bin', 'iam-janitor.js'), 'simulate', '--json'],
      { env, cwd: home, timeout: 90_000 },
    );
    // THEN it completes offline with the same outcomes as ever
    const report = JSON.parse(stdout) as { cases: { userName: string; outcome: string }[] };
    expect(report.cases.map((entry) => [entry.userName, entry.outcome])).toEqual([
      ['erin', 'expired'],
      ['grace', 'failed'],
      ['dave', 'kept'],
      ['bob', 'deleted'],
      ['carol', 'disabled'],
      ['frank', 'aborted-active'],
    ]);
  }, 120_000);

  it('halts the guard scenario, where 80% of users are inactive, and opens no case', async () => {
    const { code, report } = await simulateJson(['--scenario', example('guard-trip')]);
    expect(code).toBe(0);
    expect(report.sweep).toMatchObject({
      usersScanned: 10,
      halted: true,
      haltReason: '8 of 10 users (80%) are candidates, above maxCandidateFraction (20%)',
    });
    expect(report.cases).toEqual([]);
    expect(report.remainingUsers).toHaveLength(10);
  });

  it('changes nothing in dryRun and says what it would have done', async () => {
    const { report } = await simulateJson(['--scenario', example('dry-run')]);
    expect(report.cases).toEqual([
      expect.objectContaining({
        userName: 'stale',
        decision: 'delete',
        outcome: 'dry-run',
        snapshotSaved: true,
      }),
    ]);
    expect(report.remainingUsers).toEqual(['stale']);
  });

  it.each([
    ['bad-date', 'users[3].accessKeys[0].lastUsedDate: not an ISO date'],
    ['bad-decision', 'decisions.a.action: Invalid option'],
    ['bad-config', 'users[0].userName: not an IAM user name'],
    ['bad-config', 'users[0]: unknown field passwords; did you mean password?'],
  ])('rejects %s, naming the field (%s), with a non-zero exit', async (name, message) => {
    const { code, err } = await simulateJson([
      '--scenario',
      path.join(__dirname, '..', 'fixtures', `${name}.json`),
    ]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('names a decision for a user the scenario does not have', () => {
    expect(() =>
      parseScenario(
        { now: '2026-11-22T09:00:00Z', users: [], decisions: { ghost: { action: 'delete' } } },
        'x.json',
      ),
    ).toThrow('decisions.ghost: no user named ghost in users');
  });

  it('names a bad config key of a scenario before starting anything', async () => {
    const scenario = loadScenario(example('faults'));
    await expect(runScenario({ ...scenario, config: { thresholdDays: 0 } })).rejects.toThrow(
      /thresholdDays: must be above 0/,
    );
  });

  it("prints every timestamp of the demo on the scenario's clock, whatever day it runs", async () => {
    const out: string[] = [];
    await main(['simulate', '--verbose'], { stdout: (text) => void out.push(text), stderr: () => undefined });
    const text = out.join('\n');
    const scenario = loadScenario(example('demo-account'));
    const now = Date.parse(scenario.now);
    // bob's Delete quarantines him for the default 14 days, from the decision: the story ends then.
    const approvalEnds = now + 168 * 3_600_000;
    const quarantineEnds = now + 14 * 86_400_000;
    const earliest = Math.min(
      ...scenario.users.map((user) => Date.parse(user.createDate)),
      ...scenario.cloudTrail.map((event) => Date.parse(event.eventTime)),
    );
    // Every time of day printed lies between the scenario's history and the end of its last wait.
    const times = [...text.matchAll(/(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/g)].map((match) =>
      Date.parse(`${match[1]}T${match[2]}:00Z`),
    );
    expect(times.length).toBeGreaterThan(20);
    expect(times.filter((time) => time < earliest || time > Math.max(approvalEnds, quarantineEnds))).toEqual(
      [],
    );
    expect(times).toContain(quarantineEnds);
    // Case ids and execution names carry the sweep's date: the scenario's.
    const caseDates = new Set(
      [...text.matchAll(/AIDA[A-Z0-9]{17}-(\d{4}-\d{2}-\d{2})/g)].map((match) => match[1]),
    );
    expect(caseDates).toEqual(new Set([scenario.now.slice(0, 10)]));
    // Decisions come after the sweep, and frank's after his use at 10:00 during the wait.
    const decisions = [
      ...text.matchAll(/@\w+ chose [A-Z][a-z]+(?: \([^)]*\))? at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC/g),
    ].map((match) => Date.parse(`${match[1]}T${match[2]}:00Z`));
    expect(decisions).toHaveLength(4);
    expect(decisions.every((time) => time >= now - 60_000)).toBe(true);
    expect(text).toMatch(
      /@U0123ABCDEF chose Delete \(a quarantine of 14 days first\) at 2026-11-22 10:0\d UTC/,
    );
  });

  it('ends with what changed in the account, user by user, and who was left alone', async () => {
    const out: string[] = [];
    await main(['simulate'], { stdout: (text) => void out.push(text), stderr: () => undefined });
    const text = out.join('\n');
    const section = text.slice(text.indexOf('── What changed in the account'));
    // The demo's one quarantine: AWSDenyAll and its tags for 14 days, then the deletion.
    expect(text).toContain(
      '  bob: Quarantine: denied everything (arn:aws:iam::aws:policy/AWSDenyAll) from 2026-11-22 09:00 UTC until 2026-12-06 09:00 UTC, then deleted; no attempt to use its credentials was seen up to the last check, at 2026-12-06 09:00 UTC. ',
    );
    expect(section).toContain('bob: quarantined, then deleted, after 13 dependent items removed');
    expect(section).toContain('    - quarantine began: policy AWSDenyAll attached');
    expect(section).toContain('    - quarantine ended: policy AWSDenyAll detached');
    expect(section).toContain(
      'carol: 3 changes\n    - policy AWSDenyAll attached\n    - access key AKIACAROL00000000001 set Inactive',
    );
    expect(section).toContain('dave: 1 change\n    - tagged iam-janitor:keep-until=2027-02-20');
    expect(section).toMatch(/unchanged: alice, break-glass-admin, deploy-bot, erin, frank, grace,/);
  });

  it('colours the timeline on a terminal only, and never with NO_COLOR', async () => {
    const run = async (style?: Style) => {
      const out: string[] = [];
      await main(['simulate', '--scenario', example('dry-run')], {
        stdout: (text) => void out.push(text),
        stderr: () => undefined,
        style,
      });
      return out.join('\n');
    };
    // eslint-disable-next-line no-control-regex
    const ansi = /\x1b\[\d+m/;
    expect(await run(COLOUR)).toMatch(ansi);
    expect(await run(PLAIN)).not.toMatch(ansi);
    expect(styleFor({ isTTY: true }, {})).toBe(COLOUR);
    expect(styleFor({ isTTY: false }, {})).toBe(PLAIN);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(PLAIN);
  });

  it('with --verbose, prints every case with its Slack messages and its Jira ticket', async () => {
    const out: string[] = [];
    expect(
      await main(['simulate', '--verbose'], {
        stdout: (text) => void out.push(text),
        stderr: () => undefined,
      }),
    ).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('── Sweep: 13 users, 6 cases opened');
    expect(text).toContain('Jira SEC-3: Inactive IAM user bob: review for removal   [Done]');
    expect(text).toContain('┃ @U0123ABCDEF chose Delete (a quarantine of 14 days first)');
    // The approver's reason is in the ticket, the decided message and the thread.
    expect(text).toContain(
      'Decision: delete by Slack user U0123ABCDEF at 2026-11-22 09:00 UTC. Reason: Left the data team in August (HR-2291); keys unused since.',
    );
    expect(text).toContain('┃ Reason: Left the data team in August (HR-2291); keys unused since');
    expect(text).toContain("bob was deleted. The approver's reason: Left the data team in August (HR-2291)");
    expect(text).toContain('── Summary');
    expect(text).toMatch(/bob\s+delete\s+U0123ABCDEF\s+deleted\s+SEC-3\s+yes/);
  });
});
