import { runScenario } from '../../lib/sim/run-scenario';
import { parseScenario } from '../../lib/sim/scenario';

/** The first month: a user iam-janitor disabled is decided, and is not asked about again. */
describe('two sweeps a day apart, on the scenario clock', () => {
  const idle = (userName: string) => ({
    userName,
    createDate: '2024-01-10T09:00:00Z',
    password: true,
    passwordLastUsed: '2026-06-01T09:00:00Z',
    accessKeys: [
      {
        id: `AKIA${userName.toUpperCase().padEnd(16, 'X')}`,
        createDate: '2024-01-10T09:00:00Z',
        lastUsedDate: '2026-06-01T09:00:00Z',
      },
    ],
  });
  const scenario = () =>
    parseScenario(
      {
        now: '2026-11-22T09:00:00Z',
        config: { thresholdDays: 45, maxCandidateFraction: 1 },
        users: [idle('dora'), idle('ewan')],
        decisions: { dora: { action: 'disable', by: 'U0123ABCDEF' } },
        laterSweeps: ['2026-11-23T09:00:00Z'],
      },
      'two-sweeps',
    );

  it('opens no second case for a user disabled after the first, and asks again about one nobody decided', async () => {
    const { report, verdicts } = await runScenario(scenario());
    // Equally idle: in the order of their stable ids.
    expect(report.sweep.candidates).toEqual(['ewan', 'dora']);
    expect(report.laterSweeps).toEqual([
      expect.objectContaining({ at: '2026-11-23T09:00:00Z', candidates: ['ewan'] }),
    ]);
    expect(report.cases.map((entry) => [entry.userName, entry.outcome])).toEqual([
      ['ewan', 'expired'],
      ['dora', 'disabled'],
      ['ewan', 'expired'],
    ]);
    expect(verdicts.map((user) => user.userName)).toContain('dora');
  });

  it('judges a user disabled by iam-janitor as disabled since the tag date', async () => {
    const detail = await runScenario(scenario(), {
      afterRun: async (sim) => {
        const { runInventory } = await import('../../lambdas/inventory/inventory');
        const { iamClient } = await import('../../lambdas/commons/runtime/clients');
        const { caseHistory } = await import('../../lambdas/commons/case/stores');
        const found = await runInventory({
          iam: iamClient(),
          // The Disable that wrote the marker, as the inventory handler reads it from the case table.
          userCases: (userIds) => caseHistory().casesOfUsers(userIds, undefined),
          policy: sim.config,
          now: new Date('2026-11-24T09:00:00Z'),
          report: { pollIntervalMs: 10 },
        });
        expect(found.users.find((user) => user.userName === 'dora')).toMatchObject({
          verdict: 'disabled',
          reason: expect.stringMatching(
            /^disabled by iam-janitor since 2026-11-22 \(tag iam-janitor:disabled-at, decided in case \S+ by U0123ABCDEF\); no credential lets it in$/,
          ),
        });
      },
    });
    expect(detail.report.remainingUsers).toEqual(['dora', 'ewan']);
  });

  it('refuses a later sweep that is not later', () => {
    expect(() =>
      parseScenario({ now: '2026-11-22T09:00:00Z', laterSweeps: ['2026-11-22T08:00:00Z'] }, 'x.json'),
    ).toThrow(/laterSweeps\[0\]: must be after 2026-11-22T09:00:00Z/);
  });
});

describe('a dry run remembers its decisions as real ones would act', () => {
  const idle = (userName: string) => ({
    userName,
    createDate: '2024-01-10T09:00:00Z',
    password: true,
    passwordLastUsed: '2026-06-01T09:00:00Z',
  });

  it('asks again about nobody it decided: a Keep snoozes, a Delete answers; an undecided user is asked again', async () => {
    const { report } = await runScenario(
      parseScenario(
        {
          now: '2026-11-22T09:00:00Z',
          config: { thresholdDays: 45, maxCandidateFraction: 1, dryRun: true, keepDays: 30 },
          users: [idle('kept'), idle('gone'), idle('open')],
          decisions: {
            kept: { action: 'keep', by: 'U0123ABCDEF' },
            gone: { action: 'delete', by: 'U0123ABCDEF' },
          },
          // The next day, and the day after the Keep's 30 days have run out.
          laterSweeps: ['2026-11-23T09:00:00Z', '2026-12-23T09:00:00Z'],
        },
        'dry-run-memory',
      ),
    );
    // kept and gone once each in the first sweep (in the order of their ids), kept again after 30 days.
    expect(
      report.cases
        .filter((entry) => entry.userName !== 'open')
        .map((entry) => `${entry.userName} ${entry.outcome}`)
        .sort(),
    ).toEqual(['gone dry-run', 'kept dry-run', 'kept dry-run']);
    expect(report.laterSweeps!.map((sweep) => [...sweep.candidates].sort())).toEqual([
      ['open'],
      ['kept', 'open'],
    ]);
    // Nothing changed in IAM: a dry run only remembers.
    expect(report.remainingUsers).toEqual(['gone', 'kept', 'open']);
  });
});
