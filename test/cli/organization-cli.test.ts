import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { configureClients } from '../../lambdas/commons/runtime/client-settings';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { TableSlotLimiter } from '../../lambdas/commons/cloudtrail/rate-limiter';
import { runAcknowledgeGuard } from '../../lib/cli/acknowledge-guard';
import { runOffboard } from '../../lib/cli/offboard';
import { runReport } from '../../lib/cli/report';
import { addUser, emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';

const HUB_CREDENTIALS = { accessKeyId: 'AKIAOPERATORSESSION0', secretAccessKey: 'operator' };
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) },
  };
};

describe('CloudTrail pacing shared through the case table (organization mode)', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let db: DynamoDBDocumentClient;
  beforeAll(async () => {
    dynamo = await startDynamo();
    db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
  });
  afterAll(() => dynamo.stop());

  it('hands out turns a gap apart for one account and region across containers, and never holds another account back', async () => {
    const gap = 600;
    const slack = 100;
    // Two containers: two limiters, one table; six lookups claim their turns at once.
    const containers = [
      new TableSlotLimiter(db, CASE_TABLE, gap, slack),
      new TableSlotLimiter(db, CASE_TABLE, gap, slack),
    ];
    const before = Date.now();
    const turns = await Promise.all([
      ...Array.from({ length: 6 }, (_, index) => containers[index % 2]!.claimTurn('111111111111/eu-west-1')),
      containers[0]!.claimTurn('222222222222/eu-west-1'),
    ]);
    const other = turns.pop()!;
    const same = [...turns].sort((a, b) => a - b);
    // The first turn is now; the one after an idle claim leaves room for that claim's round trip.
    expect(same[0]!).toBeGreaterThanOrEqual(before);
    expect(same[1]! - same[0]!).toBe(gap + slack);
    for (let index = 2; index < same.length; index++) expect(same[index]! - same[index - 1]!).toBe(gap);
    // The other account's turn is now, not behind the six.
    expect(other - before).toBeLessThan(gap);
  });

  it('starts each call at its turn, not before', async () => {
    const limiter = new TableSlotLimiter(db, CASE_TABLE, 200, 0);
    const key = '333333333333/us-east-1';
    const first = await limiter.claimTurn(key);
    let startedAt = 0;
    await limiter.run(key, async () => {
      startedAt = Date.now();
    });
    expect(startedAt).toBeGreaterThanOrEqual(first + 200 - 1);
  });
});

describe('the organization commands', () => {
  let hub: AwsStandin;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  beforeAll(async () => {
    const prod = emptyAccount('111111111111');
    prod.alias = 'prod-payments';
    addUser(prod, {
      userName: 'alice',
      createDate: new Date('2024-01-01T00:00:00Z'),
      password: { createDate: new Date('2024-01-01T00:00:00Z'), lastUsed: new Date('2026-01-01T00:00:00Z') },
    });
    const dev = emptyAccount('222222222222');
    addUser(dev, {
      userName: 'bob',
      createDate: new Date('2024-01-01T00:00:00Z'),
      password: { createDate: new Date('2024-01-01T00:00:00Z'), lastUsed: new Date('2026-11-20T00:00:00Z') },
    });
    hub = new AwsStandin(emptyAccount('999999999999'), {
      organization: {
        id: 'o-simulated01',
        managementAccountId: '999999999999',
        rootId: 'r-sim1',
        units: [],
        members: [
          { accountId: '111111111111', name: 'Payments', parentId: 'r-sim1', account: prod },
          { accountId: '222222222222', name: 'Sandbox', parentId: 'r-sim1', account: dev },
          {
            accountId: '333333333333',
            name: 'Legacy',
            parentId: 'r-sim1',
            account: emptyAccount('333333333333'),
            memberRoles: false,
          },
        ],
        memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
        externalId: 'iam-janitor',
      },
    });
    await hub.start();
    dynamo = await startDynamo();
    configureClients({
      endpoints: { organizations: hub.url, sts: hub.url, iam: hub.url, sfn: hub.url, dynamodb: dynamo.url },
      credentials: HUB_CREDENTIALS,
      region: 'us-east-1',
    });
  });
  afterAll(async () => {
    configureClients({});
    await Promise.all([hub.stop(), dynamo.stop()]);
  });

  it('report --organization reads every account through its reader role, names the one it cannot read, and exits 1', async () => {
    const { out, err, io } = capture();
    const progress: string[] = [];
    const code = await runReport(
      { organization: true, json: true },
      { ...io, progress: (done, total, what) => progress.push(`${done}/${total} ${what}`) },
      new Date('2026-11-22T09:00:00Z'),
    );
    expect(code).toBe(1);
    const accounts = JSON.parse(out.join('\n')) as {
      accountId: string;
      accountAlias?: string;
      users?: { userName: string; verdict: string }[];
      error?: string;
    }[];
    expect(
      accounts.map((account) => [
        account.accountId,
        account.accountAlias,
        account.users?.map((user) => `${user.userName}:${user.verdict}`),
      ]),
    ).toEqual([
      ['111111111111', 'prod-payments', ['alice:inactive']],
      ['222222222222', 'Sandbox', ['bob:active']],
      ['333333333333', undefined, undefined],
    ]);
    expect(accounts[2]!.error).toMatch(/member role could not be assumed.*StackSet/);
    expect(err.join('\n')).toContain('account 333333333333 (Legacy) could not be read');
    expect(progress).toEqual(['0/3 accounts', '1/3 accounts', '2/3 accounts', '3/3 accounts']);
    // Read-only: nothing changed anywhere.
    expect(hub.member('111111111111').mutatingCalls()).toEqual([]);
  });

  it('acknowledge-guard --account acknowledges that account only; offboard --account stamps the account', async () => {
    const store = new SweepStore(documentClient(), CASE_TABLE);
    await store.recordSweep(
      {
        sweepId: 's1',
        finishedAt: '2026-11-22T08:00:00Z',
        usersScanned: 3,
        casesStarted: 0,
        backlog: 3,
        staleCredentials: 0,
        halted: true,
        haltReason: '3 of 3 users (100%) are candidates',
        candidateCount: 3,
      },
      { accountId: '111111111111' },
    );
    const ack = capture();
    expect(
      await runAcknowledgeGuard(
        { table: CASE_TABLE, account: '111111111111', yes: true, by: 'oncall' },
        ack.io,
      ),
    ).toBe(0);
    expect(await store.guardAcknowledgement({ accountId: '111111111111' })).toMatchObject({
      acknowledgedBy: 'oncall',
      maxCandidates: 3,
    });
    expect(await store.guardAcknowledgement()).toBeUndefined();
    expect(await store.guardAcknowledgement({ accountId: '222222222222' })).toBeUndefined();
    // The organization's own guard did not halt (no record): nothing to acknowledge there.
    expect(await runAcknowledgeGuard({ table: CASE_TABLE, yes: true }, capture().io)).toBe(1);

    const previous = process.cwd();
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-org-'));
    const cdkJson = JSON.parse(fs.readFileSync(path.join(previous, 'cdk.json'), 'utf8'));
    cdkJson.context.deploymentMode = 'organization';
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdkJson));
    process.chdir(dir);
    try {
      const missing = capture();
      expect(
        await runOffboard(
          { 'state-machine': 'arn:aws:states:us-east-1:999999999999:stateMachine:case' },
          ['alice'],
          missing.io,
        ),
      ).toBe(2);
      expect(missing.err.join('')).toContain('--account');
      const started = capture();
      const code = await runOffboard(
        {
          account: '111111111111',
          by: 'hr',
          'state-machine': 'arn:aws:states:us-east-1:999999999999:stateMachine:case',
        },
        ['alice'],
        started.io,
        new Date('2026-11-22T09:00:00Z'),
      );
      expect(started.err).toEqual([]);
      expect(code).toBe(0);
    } finally {
      process.chdir(previous);
    }
    const [execution] = hub.callsOf('StartExecution');
    expect(execution!.params.name).toMatch(/^111111111111-AIDA[A-Z2-7]+-offboard-20261122090000$/);
    expect(JSON.parse(execution!.params.input!).candidate).toMatchObject({
      accountId: '111111111111',
      accountAlias: 'prod-payments',
      userName: 'alice',
      subjectId: expect.stringMatching(/^111111111111-AIDA/),
    });
  });
});
