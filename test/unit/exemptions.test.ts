import type { IAMClient } from '@aws-sdk/client-iam';
import { act } from '../../lambdas/act/act';
import type { ExemptionSeen, ExemptionSighting } from '../../lambdas/commons/case/exemption-record';
import type { UserCase } from '../../lambdas/commons/case/history';
import { DAY_MS } from '../../lambdas/commons/runtime/time';
import type { ExemptionMemory } from '../../lambdas/inventory/exemptions';
import { runInventory } from '../../lambdas/inventory/inventory';
import type { SimAccount } from '../../lib/sim/account';
import { deleteInput, POLICY as REMOVER_POLICY, setUp, stopStandin } from '../helpers/removal';
import { POLICY } from '../helpers/report';

/**
 * Exemptions set by hand are honoured, and visible: a keep-until counts as decided only where a
 * Keep in the case table wrote that value for that user id; any other is set by hand (the subject
 * may tag itself: THREATS.md) and counts for at most maxKeepDays from its first sighting. The
 * protected tag always protects, and is shown as set by hand (iam-janitor never writes it).
 */
afterEach(stopStandin);

const NOW = new Date();
const CASE_ID = 'case-of-loaded';
const day = (date: Date) => date.toISOString().slice(0, 10);

/** Keeps the loaded user as the remover does, and the case as the table would hold it. */
async function keepThroughCase(iam: IAMClient, account: SimAccount): Promise<UserCase> {
  const result = await act(deleteInput(iam, { action: 'keep', now: NOW }));
  const user = account.users.get('loaded')!;
  return {
    caseId: CASE_ID,
    userId: user.userId,
    candidate: { userName: 'loaded', userId: user.userId, kind: 'user' } as UserCase['candidate'],
    outcome: result.outcome,
    decision: { decision: 'keep', decidedBy: 'U0APPROVER1', decidedAt: NOW.toISOString() },
    removed: result.done,
  };
}

/** A memory of first sightings, as the sweep store keeps them: `firstSeen` for those it knows. */
function memory(firstSeen?: Date) {
  const asked: ExemptionSighting[] = [];
  const remember: ExemptionMemory = async (sightings) => {
    asked.push(...sightings);
    return sightings.map((sighting): ExemptionSeen => ({
      ...sighting,
      firstSeen: (firstSeen ?? NOW).toISOString(),
      lastSeen: NOW.toISOString(),
    }));
  };
  return { asked, remember };
}

function inventory(iam: IAMClient, cases: readonly UserCase[], exemptions?: ExemptionMemory) {
  return runInventory({
    iam,
    policy: POLICY,
    now: NOW,
    report: { pollIntervalMs: 5 },
    userCases: async (userIds) =>
      new Map(userIds.map((userId) => [userId, cases.filter((found) => found.userId === userId)])),
    ...(exemptions ? { exemptions } : {}),
  });
}

const loaded = (result: Awaited<ReturnType<typeof inventory>>) =>
  result.users.find((user) => user.userName === 'loaded');

describe('keep-until', () => {
  it('written by a recorded Keep snoozes the user, named by its case and approver', async () => {
    const { account, iam } = await setUp();
    const kept = await keepThroughCase(iam, account);
    const { asked, remember } = memory();
    const result = await inventory(iam, [kept], remember);
    const until = day(new Date(NOW.getTime() + REMOVER_POLICY.keepDays * DAY_MS));
    expect(loaded(result)).toMatchObject({
      verdict: 'snoozed',
      reason: `kept until ${until} (tag iam-janitor:keep-until, decided in case ${CASE_ID} by U0APPROVER1)`,
    });
    expect(asked).toEqual([
      expect.objectContaining({
        kind: 'keep-until',
        value: until,
        origin: { by: 'case', caseId: CASE_ID, decidedBy: 'U0APPROVER1' },
      }),
    ]);
  });

  it('that the user wrote itself (another letter case) is honoured, shown as set by hand', async () => {
    // GIVEN the subject tags itself with a keep-until far ahead, and no Keep wrote it
    const { account, iam } = await setUp();
    account.users.get('loaded')!.tags['IAM-Janitor:Keep-Until'] = '2099-01-01';
    const result = await inventory(iam, [], memory().remember);
    const capped = day(new Date(NOW.getTime() + POLICY.maxKeepDays * DAY_MS));
    expect(loaded(result)).toMatchObject({
      verdict: 'snoozed',
      reason: `kept until 2099-01-01 (tag IAM-Janitor:Keep-Until, set by hand, first seen ${day(NOW)}, counts until ${capped} at most)`,
    });
  });

  it('extended by hand past the value a Keep wrote is set by hand, not decided', async () => {
    const { account, iam } = await setUp();
    const kept = await keepThroughCase(iam, account);
    // GIVEN an admin (or the user) moves the date the Keep wrote
    account.users.get('loaded')!.tags['iam-janitor:keep-until'] = '2099-01-01';
    const { asked, remember } = memory();
    await inventory(iam, [kept], remember);
    expect(asked[0]?.origin).toEqual({ by: 'hand' });
  });

  it('set by hand counts for maxKeepDays from its first sighting; after that the user is judged, and why', async () => {
    const { account, iam } = await setUp();
    account.users.get('loaded')!.tags['iam-janitor:keep-until'] = '2099-01-01';
    const firstSeen = new Date(NOW.getTime() - (POLICY.maxKeepDays + 1) * DAY_MS);
    const result = await inventory(iam, [], memory(firstSeen).remember);
    expect(loaded(result)?.verdict).toBe('inactive');
    expect(result.candidates.map((candidate) => candidate.userName)).toContain('loaded');
    expect(result.markerWarnings).toEqual([
      {
        userName: 'loaded',
        warning: `iam-janitor:keep-until 2099-01-01 set by hand, first seen ${day(firstSeen)}, counts for at most ${POLICY.maxKeepDays} days; the user is judged again`,
      },
    ]);
  });

  it('decided by a Keep is not capped by maxKeepDays', async () => {
    const { account, iam } = await setUp();
    const kept = await keepThroughCase(iam, account);
    const longAgo = new Date(NOW.getTime() - 1000 * DAY_MS);
    const result = await inventory(iam, [kept], memory(longAgo).remember);
    expect(loaded(result)?.verdict).toBe('snoozed');
  });
});

describe('the protected tag', () => {
  it('written by the user itself still protects it, and is shown as set by hand', async () => {
    const { account, iam } = await setUp();
    account.users.get('loaded')!.tags['IAM-JANITOR:PROTECTED'] = 'me';
    const { asked, remember } = memory();
    const result = await inventory(iam, [], remember);
    expect(loaded(result)).toMatchObject({
      verdict: 'exempt',
      reason: 'protected: tagged IAM-JANITOR:PROTECTED (set by hand)',
    });
    expect(result.candidates.map((candidate) => candidate.userName)).not.toContain('loaded');
    expect(asked).toEqual([
      expect.objectContaining({ kind: 'protected', tag: 'IAM-JANITOR:PROTECTED', origin: { by: 'hand' } }),
    ]);
  });
});
