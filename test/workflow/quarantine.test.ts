import * as path from 'node:path';
import {
  GetUserCommand,
  ListAttachedUserPoliciesCommand,
  ListUserTagsCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { caseHistory, iamClient } from '../../lambdas/commons/runtime/clients';
import { main } from '../../lib/cli/main';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario, parseScenario, type Scenario } from '../../lib/sim/scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { DAY_MS } from '../../lambdas/commons/runtime/time';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

const example = path.join(__dirname, '..', '..', 'examples', 'quarantine.json');
/** AWS's deny-all managed policy, as its reference page names it. */
const AWS_DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

/** What IAM says of a user now: whether it exists, its attached policies and its tags. */
async function liveUser(iam: IAMClient, userName: string) {
  try {
    await iam.send(new GetUserCommand({ UserName: userName }));
  } catch {
    return undefined;
  }
  const policies = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  const tags = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return {
    policies: (policies.AttachedPolicies ?? []).map((policy) => policy.PolicyArn),
    tagKeys: (tags.Tags ?? []).map((tag) => tag.Key),
  };
}

/** One idle user whose Delete is approved, with what the test adds. */
function oneUser(extra: Partial<Scenario> & { user?: Record<string, unknown> }, days = 14): Scenario {
  const { user, ...rest } = extra;
  return parseScenario(
    {
      now: '2026-11-22T09:00:00Z',
      config: { quarantineDays: days, maxCandidateFraction: 1, cloudTrailRegions: ['eu-west-1'] },
      users: [
        {
          userName: 'idle',
          createDate: '2024-01-10T09:00:00Z',
          accessKeys: [
            {
              id: 'AKIAIDLE000000000001',
              createDate: '2024-01-10T09:00:00Z',
              lastUsedDate: '2026-06-01T09:00:00Z',
            },
          ],
          sshPublicKeys: [{ id: 'APKAIDLE000000000001', status: 'Active' }],
          ...user,
        },
      ],
      decisions: { idle: { action: 'delete', by: 'U0123ABCDEF' } },
      ...rest,
    },
    'test scenario',
  );
}

describe('quarantine before delete', () => {
  it('deletes the silent user, stops at an attempt and keeps the user quarantined, and releases on request', async () => {
    const seen: Record<string, Awaited<ReturnType<typeof liveUser>>> = {};
    const detail = await runScenario(loadScenario(example), {
      afterRun: async () => {
        for (const name of ['silent-sam', 'tried-tina', 'released-rob'])
          seen[name] = await liveUser(iamClient(), name);
      },
    });
    const byUser = Object.fromEntries(detail.report.cases.map((entry) => [entry.userName, entry]));
    expect(byUser['silent-sam']).toMatchObject({
      outcome: 'deleted',
      quarantine: { startedAt: '2026-11-22T09:00:00.000Z', endsAt: '2026-12-06T09:00:00.000Z', attempts: [] },
    });
    expect(byUser['tried-tina']).toMatchObject({ outcome: 'quarantine-tripped' });
    expect(byUser['released-rob']).toMatchObject({
      outcome: 'released',
      quarantine: { afterTrip: 'release' },
    });

    // The refused call, as CloudTrail recorded it, and the key's last use, as IAM dated it.
    expect(byUser['tried-tina']!.quarantine!.attempts).toEqual([
      {
        at: '2026-11-25T03:14:00.000Z',
        credential: 'AKIATRIEDTINA000001',
        seenIn: 'access key last used',
        eventSource: 's3',
        region: 'eu-west-1',
      },
      {
        at: '2026-11-25T03:14:00.000Z',
        credential: 'AKIATRIEDTINA000001',
        seenIn: 'CloudTrail',
        eventName: 'ListBuckets',
        eventSource: 's3.amazonaws.com',
        region: 'eu-west-1',
        sourceIPAddress: '198.51.100.23',
        errorCode: 'AccessDenied',
      },
    ]);
    // A console sign-in is authentication, which no identity policy refuses: it succeeds, and shows.
    expect(
      byUser['released-rob']!.quarantine!.attempts.map((attempt) => [attempt.seenIn, attempt.eventName]),
    ).toEqual([
      ['password last used', undefined],
      ['CloudTrail', 'ConsoleLogin'],
    ]);

    expect(seen['silent-sam']).toBeUndefined();
    // Tripped: never released on its own, whoever tried may hold a leaked key.
    expect(seen['tried-tina']).toEqual({
      policies: expect.arrayContaining([AWS_DENY_ALL]),
      tagKeys: expect.arrayContaining(['iam-janitor:quarantined-at', 'iam-janitor:quarantine-ends']),
    });
    expect(seen['released-rob']!.policies).not.toContain(AWS_DENY_ALL);
    expect(seen['released-rob']!.tagKeys.filter((key) => key?.startsWith('iam-janitor:quarantine'))).toEqual(
      [],
    );
    expect(detail.report.remainingUsers).toEqual(['released-rob', 'tried-tina']);

    // The approvers saw the evidence and the two choices; the ticket has it too.
    const tina = detail.cases.find((entry) => entry.run.userName === 'tried-tina')!;
    const trip = tina.thread.find((post) => post.text.startsWith('Quarantine tripped'))!;
    const buttons = JSON.stringify(trip.blocks);
    expect(buttons).toContain('"action_id":"release"');
    expect(buttons).toContain('"text":"Delete now"');
    expect(buttons).toContain(
      'ListBuckets (s3.amazonaws.com) in eu-west-1 from 198.51.100.23, refused (AccessDenied)',
    );
    const comments = JSON.stringify(tina.issue?.comments);
    expect(comments).toContain('Quarantine tripped');
    expect(comments).toContain('access key AKIATRIEDTINA000001 at 2026-11-25 03:14 UTC');
    expect(comments).toContain('Release with: iam-janitor release --case');
  });

  it('waits with no transition per day: 7 and 21 days cost the same transitions (npm run bench: 14 and 90)', async () => {
    // One simulation at a time: each points the process's clients at its own stand-ins.
    const runs = [];
    for (const days of [7, 21]) runs.push((await runScenario(oneUser({}, days))).cases[0]!.run);
    expect(runs.map((run) => run.states)).toEqual([
      [
        'GatherContext',
        'OpenTicket',
        'RequestApproval',
        'ChooseAction',
        'Act',
        'AfterAct',
        'Quarantine',
        'QuarantineVerdict',
        'CompleteDeletion',
        'RecordOutcome',
      ],
      expect.any(Array),
    ]);
    expect(runs[1]!.states).toEqual(runs[0]!.states);
    expect(runs[1]!.transitions).toBe(runs[0]!.transitions);
  });

  it('deactivates or deletes no credential during the quarantine; only the deny policy and its tags change', async () => {
    const detail = await runScenario(oneUser({}));
    const idle = detail.changes.find((entry) => entry.userName === 'idle')!.changes;
    const deletionStarts = idle.findIndex((change) => !change.startsWith('quarantine began:'));
    expect(idle.slice(0, deletionStarts)).toEqual([
      'quarantine began: policy AWSDenyAll attached',
      expect.stringMatching(/^quarantine began: tagged iam-janitor:quarantined-at=2026-11-22T09:00:00/),
    ]);
    // The deletion came after the quarantine's end: its first step is stamped on the scenario's clock.
    const record = detail.cases[0]!.record!;
    expect(record.closedAt! >= record.quarantine!.endsAt).toBe(true);
    expect(record.removed?.slice(0, 2)).toEqual([
      'attach the deny-all policy arn:aws:iam::aws:policy/AWSDenyAll',
      expect.stringContaining('tag iam-janitor:quarantined-at='),
    ]);
    expect(record.removed).toContain('delete access key AKIAIDLE000000000001');
  });

  it('stops the deletion when the user is tagged protected during the quarantine', async () => {
    const detail = await runScenario(
      oneUser({
        duringQuarantine: { idle: { at: '2026-11-30T12:00:00Z', tags: { 'IAM-Janitor:Protected': 'yes' } } },
      }),
    );
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'failed', quarantine: { attempts: [] } });
    expect(detail.cases[0]!.record!.outcomeDetail).toMatch(/protected/);
    expect(detail.report.remainingUsers).toEqual(['idle']);
    const idle = detail.changes.find((entry) => entry.userName === 'idle')!.changes;
    expect(idle.every((change) => change.startsWith('quarantine began:'))).toBe(true);
  });

  it('trips on an SSH key, which only CloudTrail sees, and deletes on Delete now', async () => {
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-24T16:00:00Z', credential: 'APKAIDLE000000000001' }] },
        decisions: { idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: 'delete' } } },
      }),
    );
    expect(detail.report.cases[0]).toMatchObject({
      outcome: 'deleted',
      quarantine: {
        afterTrip: 'delete',
        attempts: [
          {
            seenIn: 'CloudTrail',
            eventName: 'GitPull',
            eventSource: 'codecommit.amazonaws.com',
            errorCode: 'AccessDenied',
          },
        ],
      },
    });
    expect(detail.cases[0]!.run.states.slice(-3)).toEqual(['AskAfterTrip', 'ActAfterTrip', 'RecordOutcome']);
    expect(detail.report.remainingUsers).toEqual([]);
  });

  it('keeps a snapshot from before the quarantine: restore brings the user back without the deny', async () => {
    let restored: Awaited<ReturnType<typeof liveUser>>;
    const out: string[] = [];
    await runScenario(oneUser({ user: { managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } }), {
      afterRun: async () => {
        const caseId = (await caseHistory().listCases())[0]!.caseId;
        const code = await main(['restore', '--case', caseId, '--table', CASE_TABLE, '--yes'], {
          stdout: (text) => void out.push(text),
          stderr: (text) => void out.push(text),
        });
        expect(code).toBe(0);
        restored = await liveUser(iamClient(), 'idle');
      },
    });
    expect(restored!.policies).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(restored!.tagKeys.filter((key) => key?.startsWith('iam-janitor:quarantine'))).toEqual([]);
  });
});

describe('iam-janitor release', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await main(['release', ...args, '--table', CASE_TABLE, '--yes'], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void out.push(text),
    });
    return { code, text: out.join('\n') };
  };

  it('releases a user left quarantined after a trip, and writes who did it to the case', async () => {
    let released!: { code: number; text: string };
    let after: Awaited<ReturnType<typeof liveUser>>;
    let again!: { code: number; text: string };
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
      }),
      {
        afterRun: async () => {
          const caseId = (await caseHistory().listCases())[0]!.caseId;
          released = await run(['--case', caseId, '--by', 'alice']);
          after = await liveUser(iamClient(), 'idle');
          again = await run(['--case', caseId]);
        },
      },
    );
    expect(detail.report.cases[0]!.outcome).toBe('quarantine-tripped');
    expect(released.code).toBe(0);
    expect(released.text).toContain('  - detach the deny-all policy arn:aws:iam::aws:policy/AWSDenyAll');
    expect(released.text).toContain('idle is released');
    expect(after!.policies).toEqual([]);
    expect(after!.tagKeys.filter((key) => key?.startsWith('iam-janitor:quarantine'))).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.text).toMatch(/^idle was already released at .* by alice; nothing was changed\.$/);
  });

  it('refuses a user deleted after its quarantine, and an unknown case, saying what to do instead', async () => {
    const outcomes: { code: number; text: string }[] = [];
    await runScenario(oneUser({}), {
      afterRun: async () => {
        const caseId = (await caseHistory().listCases())[0]!.caseId;
        outcomes.push(await run(['--case', caseId]), await run(['--case', 'no-such-case']));
      },
    });
    expect(outcomes[0]!.code).toBe(1);
    expect(outcomes[0]!.text).toMatch(
      /idle was deleted when its quarantine ended; nothing to release\. Bring it back with: iam-janitor restore --case /,
    );
    expect(outcomes[1]).toEqual({ code: 1, text: `There is no case no-such-case in ${CASE_TABLE}.` });
  });
});

describe('iam-janitor release during the wait', () => {
  it('goes through the waiting case: the remover releases, the case ends released, nothing is deleted', async () => {
    const account = loadedAccount();
    const statuses = account.users.get('loaded')!.accessKeys.map((key) => key.status);
    const simClock = new SimClock(new Date());
    const said: string[] = [];
    const sim: Simulation = new Simulation({
      account,
      config: { ...VALID_CONFIG, quarantineDays: 5, approverSlackUserIds: [APPROVER] },
      clock: simClock,
      onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
      onQuarantine: (caseId, taskToken) =>
        watchQuarantine(sim, caseId, taskToken, async (day) => {
          if (
            day.getTime() - Date.parse((await sim.caseRecord(caseId))!.quarantine!.startedAt) !==
            2 * DAY_MS
          )
            return;
          const code = await main(
            ['release', '--case', caseId, '--table', CASE_TABLE, '--by', 'oncall', '--yes'],
            {
              stdout: (text) => void said.push(text),
              stderr: (text) => void said.push(text),
            },
          );
          said.push(`exit ${code}`);
        }),
    });
    await sim.start();
    try {
      const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
      expect(run.states.slice(-4)).toEqual([
        'QuarantineVerdict',
        'ReleaseRequested',
        'ActAfterTrip',
        'RecordOutcome',
      ]);
      const record = (await sim.caseRecord(CASE_ID))!;
      expect(record).toMatchObject({
        outcome: 'released',
        quarantine: { releasedBy: 'oncall', decision: { decision: 'release', decidedBy: 'oncall' } },
      });
      expect(said.at(-1)).toBe('exit 0');
      expect(said.join('\n')).toContain('The case is still open: its workflow releases the user');
      const user = account.users.get('loaded')!;
      expect(user.managedPolicies).not.toContain(AWS_DENY_ALL);
      // Every credential as it was: a quarantine never touches one, and a release has none to give back.
      expect(user.accessKeys.map((key) => key.status)).toEqual(statuses);
    } finally {
      await sim.stop();
    }
  });
});
