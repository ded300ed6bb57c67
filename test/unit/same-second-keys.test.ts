import { IAMClient } from '@aws-sdk/client-iam';
import { gatherIamFacts, resolveCredential } from '../../lambdas/gather-context/context';
import { keysOfSlots } from '../../lambdas/commons/iam/key-slots';
import { runInventory } from '../../lambdas/inventory/inventory';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { addUser, emptyAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { POLICY } from '../helpers/report';
import { ago, startStandin } from '../helpers/standin';

/**
 * Two access keys created in the same second: the credential report dates both slots alike, and
 * the date alone tied slot 2 to the first key. A subject (or a script) can make its stale key look
 * like its busy one this way; each slot must still resolve to its own key id.
 */
let standin: AwsStandin | undefined;
afterEach(async () => standin?.stop());

const SECOND = new Date('2025-01-15T10:20:30.000Z');
const NOW = new Date();

async function twins(tags: Record<string, string> = {}) {
  const account = emptyAccount();
  addUser(account, {
    userName: 'twins',
    createDate: ago(400),
    tags,
    accessKeys: [
      // Slot 1: in use. Slot 2: created in the same second, idle for 100 days.
      { id: 'AKIATWINBUSY00000001', status: 'Active', createDate: SECOND, lastUsedDate: ago(1) },
      { id: 'AKIATWINIDLE00000002', status: 'Active', createDate: SECOND, lastUsedDate: ago(100) },
    ],
  });
  standin = await startStandin(account);
  const iam = new IAMClient({
    endpoint: standin.url,
    region: 'us-east-1',
    retryStrategy: new PatientRetryStrategy(5, 1),
  });
  const inventory = await runInventory({ iam, policy: POLICY, now: NOW, report: { pollIntervalMs: 5 } });
  return { iam, inventory };
}

describe('two access keys created in the same second', () => {
  it('hands the stale slot its own key id, and the case resolves to that key', async () => {
    const { iam, inventory } = await twins();
    const candidate = inventory.candidates.find((found) => found.kind === 'credential')!;
    expect(candidate.credential).toMatchObject({
      kind: 'access-key',
      slot: 2,
      accessKeyId: 'AKIATWINIDLE00000002',
    });
    // The context step acts on that key: not the busy one, whose recent use would end the case.
    const facts = await gatherIamFacts(iam, 'twins');
    expect(resolveCredential(candidate, facts, POLICY.thresholdDays, NOW)).toBe('AKIATWINIDLE00000002');
  });

  it('honours a keep-until written for the idle key by its id, not for the other key', async () => {
    const until = new Date(NOW.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const { inventory } = await twins({ 'iam-janitor:keep-until:AKIATWINIDLE00000002': until });
    const twinsFinding = inventory.users.find((user) => user.userName === 'twins')!;
    expect(twinsFinding.credentials!.map((credential) => credential.verdict)).toEqual(['active', 'snoozed']);
    expect(inventory.candidates).toEqual([]);
  });

  it('never gives two slots one key, even when the keys agree in everything the report says', () => {
    const slot = { issuedAt: SECOND.toISOString(), active: true, lastUsed: null };
    const key = { createDate: SECOND.toISOString(), status: 'Active', lastUsed: null };
    const ids = keysOfSlots(
      [
        { ...slot, slot: 1 },
        { ...slot, slot: 2 },
      ],
      [
        { ...key, id: 'AKIAFIRST' },
        { ...key, id: 'AKIASECOND' },
      ],
    );
    expect([...ids]).toEqual([
      [1, 'AKIAFIRST'],
      [2, 'AKIASECOND'],
    ]);
  });
});
