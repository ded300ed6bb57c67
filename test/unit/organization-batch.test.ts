import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { batchOf } from '../../lambdas/commons/case/guard';
import type { AccountSweepOutput } from '../../lambdas/commons/case/sweep-results';
import { batchFromStashes } from '../../lambdas/organization-guard/handler';
import { seededRandom } from '../../lib/sim/account';

/**
 * The organization's batch is built from the accounts' stashes a few at a time, keeping only the
 * best maxCasesPerRun between reads. These tests hold it to the one rule it must keep: the same
 * batch as every candidate of the organization ordered at once (longest idle first, one case a user).
 */
const account = (accountId: string, stashed: number): AccountSweepOutput => ({
  accountId,
  accountAlias: accountId,
  usersScanned: stashed,
  population: { users: stashed, userCandidates: stashed, credentials: 0, credentialCandidates: 0 },
  candidateCount: stashed,
  stashed,
  staleCredentials: 0,
  halted: false,
  rootWarnings: 0,
  skippedReportRows: 0,
});

/** An organization of stashes: each account's candidates, some users with several credentials. */
function organization(seed: number, accounts: number) {
  const random = seededRandom(seed);
  const stashes = new Map<string, Candidate[]>();
  for (let index = 0; index < accounts; index++) {
    const accountId = String(100000000000 + index);
    const candidates: Candidate[] = [];
    const count = Math.floor(random() * 6);
    for (let user = 0; user < count; user++) {
      const userId = `AIDA${index}X${user}`;
      // Idle days collide often, so that the tie-break (the subject id) is exercised too.
      for (let key = 0; key < 1 + Math.floor(random() * 3); key++)
        candidates.push({
          userName: `user-${user}`,
          userId,
          arn: `arn:aws:iam::${accountId}:user/user-${user}`,
          reason: '',
          lastActivity: null,
          lastActivitySource: 'user_creation_time',
          idleDays: 90 + Math.floor(random() * 20),
          kind: key === 0 ? 'user' : 'credential',
          subjectId: key === 0 ? `${accountId}-${userId}` : `${accountId}-${userId}-key${key}`,
          accountId,
        });
    }
    stashes.set(accountId, candidates);
  }
  return stashes;
}

describe("the organization's batch, read from the stashes a few at a time", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'is the batch of all the candidates at once (organization %i)',
    async (seed) => {
      const stashes = organization(seed, 120);
      const swept = [...stashes].map(([accountId, candidates]) => account(accountId, candidates.length));
      let inFlight = 0;
      let mostInFlight = 0;
      const reads: string[] = [];
      const store = {
        stashedCandidates: async (_sweepId: string, accountId: string) => {
          reads.push(accountId);
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          return stashes.get(accountId)!;
        },
      };
      const all = [...stashes.values()].flat();
      for (const max of [1, 7, 40, all.length + 5]) {
        reads.length = 0;
        const { batch, preview } = await batchFromStashes(store, 'sweep', swept, max);
        expect(batch.map((candidate) => candidate.subjectId)).toEqual(
          batchOf(all, max).batch.map((candidate) => candidate.subjectId),
        );
        // Every stash read once, an account with nothing stashed never.
        expect(reads.sort()).toEqual(
          swept.filter((result) => result.stashed > 0).map((result) => result.accountId),
        );
        // The preview of a halted sweep: the first 20 candidates in the listing's order.
        expect(preview).toEqual(
          all.slice(0, 20).map((candidate) => `${candidate.accountId}/${candidate.userName}`),
        );
      }
      // A bounded number of reads at once, not one per account.
      expect(mostInFlight).toBeGreaterThan(1);
      expect(mostInFlight).toBeLessThanOrEqual(25);
    },
  );

  it('starts no case of a halted sweep (no room in the batch), yet previews its candidates', async () => {
    const stashes = organization(9, 10);
    const swept = [...stashes].map(([accountId, candidates]) => account(accountId, candidates.length));
    const store = { stashedCandidates: async (_: string, accountId: string) => stashes.get(accountId)! };
    const { batch, preview } = await batchFromStashes(store, 'sweep', swept, 0);
    expect(batch).toEqual([]);
    expect(preview.length).toBe(Math.min(20, [...stashes.values()].flat().length));
  });
});
