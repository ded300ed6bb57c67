import { runScenario } from '../../lib/sim/run-scenario';
import { parseScenario } from '../../lib/sim/scenario';
import { putDisableCase } from '../helpers/case-table';

/**
 * simulate's verdict table (the preview) proves marker tags by the case table, as the inventory
 * Lambda does: the user a recorded Disable marked is disabled there too, and a self-tagged one is
 * judged from its last uses, so that the table and the sweep never disagree about a user.
 */
const DISABLED_AT = '2026-10-01T08:00:00.000Z';

const scenario = () =>
  parseScenario(
    {
      now: '2026-11-22T09:00:00Z',
      config: { thresholdDays: 45, maxCandidateFraction: 1 },
      users: [
        // Disabled by a recorded Disable: no credential left.
        {
          userName: 'dora',
          createDate: '2024-01-10T09:00:00Z',
          tags: { 'iam-janitor:disabled-at': DISABLED_AT },
        },
        // The same tag, written by the user itself, over an idle password.
        {
          userName: 'self',
          createDate: '2024-01-10T09:00:00Z',
          password: true,
          passwordLastUsed: '2026-06-01T09:00:00Z',
          tags: { 'IAM-JANITOR:DISABLED-AT': DISABLED_AT },
        },
      ],
    },
    'preview-markers',
  );

describe("simulate's preview of marker tags", () => {
  it('judges each user as the sweep does: disabled where the Disable is recorded, a candidate where it is not', async () => {
    const { report, verdicts } = await runScenario(scenario(), {
      beforePreview: async (sim) => {
        await putDisableCase('case-of-dora', sim.aws.account.users.get('dora')!.userId, 'dora', DISABLED_AT);
      },
    });
    const verdictOf = (userName: string) => verdicts.find((user) => user.userName === userName);
    expect(verdictOf('dora')).toMatchObject({
      verdict: 'disabled',
      reason: expect.stringContaining('decided in case case-of-dora by U0APPROVER1'),
    });
    expect(verdictOf('self')).toMatchObject({ verdict: 'inactive' });
    // The sweep's own reading of the same table.
    expect(report.sweep.candidates).toEqual(['self']);
  });
});
