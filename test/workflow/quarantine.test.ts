import { AsyncLocalStorage } from 'node:async_hooks';
import * as path from 'node:path';
import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { main } from '../../lib/cli/main';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';
import { auditRow } from '../../lib/audit/rows';
import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';

const example = path.join(__dirname, '..', '..', 'examples', 'quarantine.json');
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

    // One refused call: CloudTrail recorded it, and IAM dated it as the key's last use.
    expect(byUser['tried-tina']!.quarantine!.attempts).toEqual([
      {
        at: '2026-11-25T03:14:00.000Z',
        credential: 'AKIATRIEDTINA000001',
        seenIn: 'CloudTrail',
        alsoSeenIn: ['access key last used'],
        eventName: 'ListBuckets',
        eventSource: 's3.amazonaws.com',
        region: 'eu-west-1',
        sourceIPAddress: '198.51.100.23',
        errorCode: 'AccessDenied',
      },
    ]);
    // A console sign-in is authentication, which no identity policy refuses: it succeeds, and shows.
    expect(
      byUser['released-rob']!.quarantine!.attempts.map((attempt) => [
        attempt.seenIn,
        attempt.eventName,
        attempt.alsoSeenIn,
      ]),
    ).toEqual([['CloudTrail', 'ConsoleLogin', ['password last used']]]);

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
    expect(buttons).toContain('"action_id":"after-trip:release"');
    expect(buttons).toContain('"text":"Delete now"');
    expect(buttons).toContain(
      'ListBuckets (s3.amazonaws.com) in eu-west-1 from 198.51.100.23, refused (AccessDenied)',
    );
    // The silent one's record says the quarantine happened: the closing comment and the audit export.
    const sam = detail.cases.find((entry) => entry.run.userName === 'silent-sam')!;
    expect(JSON.stringify(sam.issue?.comments)).toContain(
      'Quarantine: denied everything (arn:aws:iam::aws:policy/AWSDenyAll) from 2026-11-22 09:00 UTC until 2026-12-06 09:00 UTC, then deleted; no attempt to use its credentials was seen up to the last check, at 2026-12-06 09:00 UTC. ',
    );
    expect(auditRow(tina.record!).quarantine).toContain('1 attempt to use its credentials');
    const comments = JSON.stringify(tina.issue?.comments);
    expect(comments).toContain('Quarantine tripped');
    expect(comments).toContain('access key AKIATRIEDTINA000001 at 2026-11-25 03:14 UTC');
    expect(comments).toContain('Release with: iam-janitor release --case');
  });

  it('quarantines in the member account through its remover role, in organization mode', async () => {
    const attached: Record<string, number> = {};
    const detail = await runScenario(
      loadScenario(path.join(__dirname, '..', '..', 'examples', 'organization.json')),
      {
        afterRun: async (sim) => {
          attached.hub = sim.aws.callsOf('AttachUserPolicy').length;
          attached.member = sim.aws
            .member('111111111111')
            .callsOf('AttachUserPolicy')
            .filter((call) => !call.error && call.params.PolicyArn === AWS_DENY_ALL).length;
        },
      },
    );
    const alice = detail.report.cases.find((entry) => entry.accountId === '111111111111')!;
    expect(alice).toMatchObject({ outcome: 'deleted', quarantine: { attempts: [] } });
    // The reader role may not write (the stand-in refuses it, as the StackSet's role would): the
    // one attach that succeeded in the member account is the remover's.
    expect(attached).toEqual({ hub: 0, member: 1 });
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

  it('changes nothing but the deny and its tags on any day of the quarantine, and deletes after the last', async () => {
    const account = loadedAccount();
    const credentials = () => {
      const user = account.users.get('loaded');
      return (
        user && {
          keys: user.accessKeys.map((key) => `${key.id} ${key.status}`),
          ssh: user.sshPublicKeys.map((key) => `${key.id} ${key.status}`),
          password: Boolean(user.password),
          mfa: user.mfaDevices.length,
        }
      );
    };
    const before = credentials();
    const days: { changes: string[]; credentials: ReturnType<typeof credentials> }[] = [];
    const sim: Simulation = new Simulation({
      account,
      config: { ...VALID_CONFIG, quarantineDays: 4, approverSlackUserIds: [APPROVER] },
      clock: new SimClock(new Date()),
      onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
      onQuarantine: (caseId, taskToken) =>
        watchQuarantine(sim, caseId, taskToken, async () => {
          days.push({
            changes: sim.aws.mutatingCalls().map((call) => call.action),
            credentials: credentials(),
          });
        }),
    });
    await sim.start();
    try {
      const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
      expect(days).toHaveLength(4);
      for (const day of days)
        expect(day).toEqual({ changes: ['AttachUserPolicy', 'TagUser'], credentials: before });
      expect(run.states.slice(-2)).toEqual(['CompleteDeletion', 'RecordOutcome']);
      expect(account.users.has('loaded')).toBe(false);
    } finally {
      await sim.stop();
    }
  });

  it("fails, changing nothing, when the user already holds IAM's 10 managed policies", async () => {
    const policies = Array.from(
      { length: 10 },
      (_, index) => `arn:aws:iam::123456789012:policy/team-${index}`,
    );
    const detail = await runScenario(oneUser({ user: { managedPolicies: policies } }));
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'failed', snapshotSaved: true });
    expect(detail.cases[0]!.record!.outcomeDetail).toMatch(/LimitExceeded/);
    expect(detail.report.remainingUsers).toEqual(['idle']);
    expect(detail.changes).toEqual([]);
    // The record says it did not happen, and offers nothing to release as if it had.
    const comments = JSON.stringify(detail.cases[0]!.issue?.comments);
    expect(comments).toContain('Quarantine: did not complete');
    expect(comments).not.toContain('still quarantined');
  });

  it('stops the deletion when the user is tagged protected during the quarantine', async () => {
    const detail = await runScenario(
      oneUser({
        duringQuarantine: { idle: { at: '2026-11-30T12:00:00Z', tags: { 'IAM-Janitor:Protected': 'yes' } } },
      }),
    );
    // A refusal, not a failure: the user is left quarantined, and nothing pages.
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'refused', quarantine: { attempts: [] } });
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

  it('a double click on Delete now deletes once, and tells neither clicker anything untrue', async () => {
    let caseId = '';
    let replies: string[] = [];
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-24T16:00:00Z', credential: 'AKIAIDLE000000000001' }] },
        decisions: { idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: 'delete' } } },
      }),
      {
        // GIVEN the approver's second click on Delete now arrives while the first one's
        // SendTaskSuccess is in flight (Slack's retry of a slow answer, or a quick double click)
        beforeSweep: async (sim) => {
          // The second click runs on the case's clock, as the first did (the stand-in's callback
          // runs outside it)
          const click = sim.click.bind(sim);
          let onCaseClock: ReturnType<typeof AsyncLocalStorage.snapshot> | undefined;
          sim.click = (...args) => {
            onCaseClock = AsyncLocalStorage.snapshot();
            return click(...args);
          };
          const deliver = sim.aws.options.onTaskCallback!;
          let second: Promise<unknown> | undefined;
          sim.aws.options.onTaskCallback = async (call) => {
            caseId ||= (await caseHistory().listCases())[0]?.caseId ?? '';
            const tripped = (await sim.caseRecord(caseId))?.status === 'quarantine-tripped';
            if (tripped && !second && onCaseClock) {
              second = onCaseClock(() => click(caseId, 'delete', 'U0123ABCDEF'));
              await second;
            }
            return deliver(call);
          };
        },
        afterRun: async (sim) => {
          replies = sim.slack.posts
            .filter((post) => post.method === 'chat.postEphemeral')
            .map((post) => post.text);
        },
      },
    );
    // THEN the user is deleted once, and the record says so
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'deleted', quarantine: { afterTrip: 'delete' } });
    expect(detail.report.remainingUsers).toEqual([]);
    // AND neither click was told its choice did not reach the workflow: one of them did
    expect(replies).toEqual([]);
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
