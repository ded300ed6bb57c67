import { resetConfigCache } from '../../lambdas/commons/config/env';
import { CASE_ID } from '../helpers/sim';
import { SECOND, trippedCase } from '../helpers/quarantine-trip';

/**
 * twoPersonDelete is turned on (a redeploy) while a Delete approved by one approver is quarantined.
 * The quarantine trips and an approver chooses Release. The two-person rule guards irreversible
 * changes; a release only takes off iam-janitor's own deny and tags, so one approver carries it out.
 */
describe('the two-person rule and a Release', () => {
  it('releases the user on one approver after a trip', async () => {
    const { record, account } = await trippedCase(async (sim) => {
      const config = JSON.parse(process.env.JANITOR_CONFIG!) as Record<string, unknown>;
      process.env.JANITOR_CONFIG = JSON.stringify({ ...config, twoPersonDelete: true });
      resetConfigCache();
      await sim.click(CASE_ID, 'release', SECOND);
    });
    const user = account.users.get('loaded')!;
    expect(record.quarantine?.decision?.decision).toBe('release');
    expect(record.outcome).toBe('released');
    expect(record.quarantine?.releasedAt).toBeDefined();
    expect(user.managedPolicies).not.toContain('arn:aws:iam::aws:policy/AWSDenyAll');
    expect(Object.keys(user.tags).filter((key) => key.startsWith('iam-janitor:'))).toEqual([]);
  }, 120_000);
});
