import { resetClients } from '../lambdas/commons/clients';
import type { Candidate } from '../lambdas/commons/contracts';
import { resetConfigCache } from '../lambdas/commons/env';
import { handler, type SweepOutput } from '../lambdas/inventory/handler';
import { runAcknowledgeGuard } from '../lib/cli/acknowledge-guard';
import { addUser, emptyAccount } from '../lib/sim/account';
import type { AwsStandin } from '../lib/sim/aws-standin';
import { CASE_TABLE, startDynamo } from '../lib/sim/dynamo';
import { CaseStore } from '../lambdas/commons/case-store';
import { documentClient } from '../lambdas/commons/clients';
import { VALID_CONFIG } from './helpers/stack';
import { ago, pointClientsAt, startStandin } from './helpers/standin';

describe('inventory Lambda', () => {
  let standin: AwsStandin;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;

  beforeAll(async () => {
    dynamo = await startDynamo();
    pointClientsAt({ dynamodb: dynamo.url });
    process.env.CASE_TABLE_NAME = CASE_TABLE;
  });
  afterAll(() => dynamo.stop());
  afterEach(() => standin?.stop());

  function configure(overrides: Record<string, unknown> = {}) {
    process.env.JANITOR_CONFIG = JSON.stringify({ ...VALID_CONFIG, ...overrides });
    resetConfigCache();
    resetClients();
  }

  it('passes on candidate references only, and skips users with an open case', async () => {
    const account = emptyAccount();
    for (let index = 0; index < 20; index++) {
      addUser(account, {
        userName: `user-${index}`,
        createDate: ago(400),
        password: { createDate: ago(400), lastUsed: ago(index < 3 ? 100 : 1) },
      });
    }
    standin = await startStandin(account);
    configure();
    await new CaseStore(documentClient(), CASE_TABLE).open({
      caseId: 'case-user-0',
      userName: 'user-0',
      userId: 'AIDA0',
      arn: 'arn',
      candidate: {} as Candidate,
      executionArn: 'arn:exec',
      openedAt: new Date().toISOString(),
    });

    const output = await handler({ sweepId: 'sweep-1', startedAt: new Date().toISOString() });

    expect(output.candidates.map((candidate) => candidate.userName).sort()).toEqual(['user-1', 'user-2']);
    expect(Object.keys(output.candidates[0]!).sort()).toEqual(
      [
        'arn',
        'idleDays',
        'kind',
        'lastActivity',
        'lastActivitySource',
        'reason',
        'subjectId',
        'userId',
        'userName',
      ].sort(),
    );
    expect(output.verdictCounts).toEqual({ active: 17, 'open-case': 1, inactive: 2 });
    expect(output.halted).toBe(false);
  });

  it('halts with a reason and passes on no candidates when the guard trips', async () => {
    const account = emptyAccount();
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `gone-${index}`, createDate: ago(400) });
    standin = await startStandin(account);
    configure();
    const output = await handler({ sweepId: 'sweep-2', startedAt: new Date().toISOString() });
    expect(output).toMatchObject({
      halted: true,
      candidateCount: 10,
      candidates: [],
      haltReason: expect.stringContaining('maxCandidateFraction'),
    });
    expect(output.candidatesPreview).toHaveLength(10);
  });

  it('passes the fraction guard once after acknowledge-guard, for no more candidates than acknowledged', async () => {
    // GIVEN a messy account: 10 of 10 users idle, so the fraction guard halts the first sweep
    const account = emptyAccount();
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `gone-${index}`, createDate: ago(400) });
    standin = await startStandin(account);
    configure({ maxCasesPerRun: 4 });
    const sweep = (sweepId: string) => handler({ sweepId, startedAt: new Date().toISOString() });
    expect(await sweep('ack-1')).toMatchObject({ halted: true, backlog: 10 });

    // WHEN an operator acknowledges the halt they saw
    const out: string[] = [];
    const io = {
      stdout: (text: string) => void out.push(text),
      stderr: (text: string) => void out.push(text),
    };
    const noTerminal = { interactive: false, confirm: async () => false };
    // Without a terminal and without --yes, nothing is written.
    expect(await runAcknowledgeGuard({ table: CASE_TABLE }, io, noTerminal)).toBe(2);
    expect(await sweep('ack-2')).toMatchObject({ halted: true });
    expect(await runAcknowledgeGuard({ table: CASE_TABLE, yes: true, by: 'alice' }, io, noTerminal)).toBe(0);
    expect(out.join('\n')).toContain('up to 10 candidates');

    // THEN the next sweep opens a batch and says who acknowledged; the one after halts again
    expect(await sweep('ack-3')).toMatchObject({
      halted: false,
      acknowledgedBy: 'alice',
      candidateCount: 10,
      backlog: 6,
    });
    expect(await sweep('ack-4')).toMatchObject({ halted: true });

    // AND an acknowledgement covers only as many candidates as the halt it acknowledged
    expect(await runAcknowledgeGuard({ table: CASE_TABLE, yes: true, by: 'alice' }, io, noTerminal)).toBe(0);
    addUser(account, { userName: 'gone-10', createDate: ago(400) });
    expect(await sweep('ack-5')).toMatchObject({
      halted: true,
      haltReason: expect.stringContaining('covers 10 candidates, not 11'),
    });
    // AND that sweep used it up although it could not use it: the one after halts on its own alarm
    expect(await sweep('ack-6')).toMatchObject({
      halted: true,
      haltReason: expect.not.stringContaining('acknowledgement'),
    });
  });

  it('uses an acknowledgement up on the next sweep even when that sweep does not need it', async () => {
    // GIVEN a halt, acknowledged, and then the anomaly clears before the next sweep
    const account = emptyAccount();
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `gone-${index}`, createDate: ago(400) });
    standin = await startStandin(account);
    configure({ maxCasesPerRun: 4 });
    const sweep = (sweepId: string) => handler({ sweepId, startedAt: new Date().toISOString() });
    expect(await sweep('unused-1')).toMatchObject({ halted: true });
    const io = { stdout: () => undefined, stderr: () => undefined };
    const noTerminal = { interactive: false, confirm: async () => false };
    expect(await runAcknowledgeGuard({ table: CASE_TABLE, yes: true, by: 'alice' }, io, noTerminal)).toBe(0);
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `busy-${index}`, createDate: ago(1) });
    for (let index = 0; index < 10; index++) account.users.delete(`gone-${index}`);
    expect(await sweep('unused-2')).toMatchObject({ halted: false, candidateCount: 0 });
    // WHEN a different anomaly appears days later
    for (let index = 0; index < 10; index++) account.users.delete(`busy-${index}`);
    for (let index = 0; index < 8; index++)
      addUser(account, { userName: `other-${index}`, createDate: ago(400) });
    // THEN the old acknowledgement does not let it through
    expect(await sweep('unused-3')).toMatchObject({ halted: true, candidateCount: 8 });
  });

  it('refuses to acknowledge a sweep that did not halt', async () => {
    const account = emptyAccount();
    addUser(account, {
      userName: 'busy',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(1) },
    });
    standin = await startStandin(account);
    configure();
    await handler({ sweepId: 'calm', startedAt: new Date().toISOString() });
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => void err.push(text) };
    expect(await runAcknowledgeGuard({ table: CASE_TABLE, yes: true }, io)).toBe(1);
    expect(err.join('')).toContain('did not halt: there is nothing to acknowledge');
  });

  it('keeps the largest allowed candidate list far below the 256 KB payload limit', () => {
    // GIVEN maxCasesPerRun at its maximum (250) and the longest names, paths and credential refs IAM allows
    const longest: Candidate = {
      userName: 'u'.repeat(64),
      userId: 'AIDA' + 'X'.repeat(17),
      arn: `arn:aws:iam::123456789012:user/${'p'.repeat(100)}/${'u'.repeat(64)}`,
      reason:
        'no use recorded; password and access key 1 and access key 2 active but never used; created 3650 days ago',
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays: 3650,
      kind: 'credential',
      credential: { kind: 'access-key', slot: 2, issuedAt: '2016-11-22T10:00:00.000Z' },
      subjectId: 'AIDA' + 'X'.repeat(17) + '-key2',
    };
    const output: SweepOutput = {
      sweepId: 'x'.repeat(80),
      runDate: '2026-11-22',
      usersScanned: 5000,
      verdictCounts: { active: 4900, inactive: 100 },
      candidates: Array.from({ length: 250 }, () => longest),
      rootWarnings: ['root access key 1 is active: delete it, root needs no keys'],
      halted: false,
      candidateCount: 5000,
      backlog: 4750,
      staleCredentials: 5000,
      skippedReportRows: Array.from({ length: 20 }, (_, line) => ({
        line,
        userName: 'u'.repeat(64),
        reason: `access_key_2_last_used_date is "${'x'.repeat(40)}", not a date`,
      })),
    };
    // 256 KB is the limit of a state's input: the worst case stays below three quarters of it.
    expect(Buffer.byteLength(JSON.stringify(output))).toBeLessThan(192 * 1024);
  });
});
