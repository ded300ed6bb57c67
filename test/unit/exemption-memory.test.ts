import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExemptionSighting } from '../../lambdas/commons/case/exemption-record';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';

/**
 * The sweep remembers the first sighting of each exemption (per user id, tag and value) on its own
 * clock, so that a keep-until set by hand counts maxKeepDays from it, however often it is seen; a new
 * value is a new exemption. `report` and simulate's preview read the memory and never write it.
 */
let dynamo: Awaited<ReturnType<typeof startDynamo>>;
let store: SweepStore;
beforeAll(async () => {
  dynamo = await startDynamo();
  const client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new SweepStore(DynamoDBDocumentClient.from(client), CASE_TABLE);
});
afterAll(() => dynamo.stop());

const sighting = (value: string, tag = 'iam-janitor:keep-until'): ExemptionSighting => ({
  userId: 'AIDAKEPT0000000000001',
  userName: 'kept',
  kind: 'keep-until',
  tag,
  value,
  origin: { by: 'hand' },
});
const FIRST = new Date('2026-01-02T09:00:00Z');
const LATER = new Date('2026-11-22T09:00:00Z');

describe('the first sighting of an exemption', () => {
  it('is kept by every later sweep, which only moves the last sighting; the key compares in any letter case', async () => {
    await store.sightExemptions([sighting('2099-01-01')], FIRST);
    const [seen] = await store.sightExemptions([sighting('2099-01-01', 'IAM-Janitor:Keep-Until')], LATER);
    expect(seen).toMatchObject({ firstSeen: FIRST.toISOString(), lastSeen: LATER.toISOString() });
    expect((await store.allExemptions()).map((entry) => entry.firstSeen)).toEqual([FIRST.toISOString()]);
  });

  it('starts again for a new value: a date moved by hand is a new exemption', async () => {
    const [seen] = await store.sightExemptions([sighting('2100-01-01')], LATER);
    expect(seen?.firstSeen).toBe(LATER.toISOString());
  });

  it('is read, not written, by report and the preview', async () => {
    const [seen] = await store.exemptionsSeen([sighting('2101-01-01')], LATER);
    expect(seen?.firstSeen).toBe(LATER.toISOString());
    expect((await store.allExemptions()).map((entry) => entry.value).sort()).toEqual([
      '2099-01-01',
      '2100-01-01',
    ]);
  });
});
