import { useCaseTable } from '../helpers/case-table';
import { resetClients } from '../../lambdas/commons/runtime/per-container';
import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { handler } from '../../lambdas/inventory/handler';
import { runAcknowledgeGuard } from '../../lib/cli/acknowledge-guard';
import { addUser, emptyAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { CaseHistory } from '../../lambdas/commons/case/history';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { VALID_CONFIG } from '../helpers/stack';
import { ago, startStandin } from '../helpers/standin';

describe('inventory Lambda', () => {
  let standin: AwsStandin;

  useCaseTable();
  afterEach(() => standin?.stop());

  function configure(overrides: Record<string, unknown> = {}) {
    process.env.JANITOR_CONFIG = JSON.stringify({ ...VALID_CONFIG, ...overrides });
    resetConfigCache();
    resetClients();
  }

  /** 10 of 10 users idle, so the fraction guard halts; a batch is 4 cases. */
  async function messyAccount() {
    const account = emptyAccount();
    for (let index = 0; index < 10; index++)
      addUser(account, { userName: `gone-${index}`, createDate: ago(400) });
    standin = await startStandin(account);
    configure({ maxCasesPerRun: 4 });
    const sweep = (sweepId: string) => handler({ sweepId, startedAt: new Date().toISOString() });
    return { account, sweep };
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
    // The state carries references only; each candidate waits in the case table under its case id.
    expect(Object.keys(output.candidates[0]!).sort()).toEqual(['kind', 'subjectId', 'userName']);
    const stashed = await new CaseHistory(documentClient(), CASE_TABLE).listCases();
    expect(stashed.map((record) => record.caseId)).toEqual(['case-user-0']);
    for (const ref of output.candidates) {
      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const item = await documentClient().send(
        new GetCommand({
          TableName: CASE_TABLE,
          Key: { pk: `candidate#${ref.subjectId}-${output.runDate}` },
        }),
      );
      expect(JSON.parse(String(item.Item?.candidate))).toMatchObject({
        userName: ref.userName,
        subjectId: ref.subjectId,
      });
    }
    expect(output.verdictCounts).toEqual({ active: 17, 'open-case': 1, inactive: 2 });
    expect(output.halted).toBe(false);
  });

  it('names each exemption with its origin, and judges a self-written keep-until again after maxKeepDays', async () => {
    // GIVEN an idle user that wrote itself a keep-until far ahead (THREATS.md: the subject may tag itself)
    const account = emptyAccount();
    addUser(account, {
      userName: 'self-kept',
      createDate: ago(400),
      password: { createDate: ago(400), lastUsed: ago(100) },
      tags: { 'IAM-Janitor:Keep-Until': '2099-01-01' },
    });
    for (let index = 0; index < 9; index++)
      addUser(account, {
        userName: `busy-${index}`,
        createDate: ago(400),
        password: { createDate: ago(400), lastUsed: ago(1) },
      });
    standin = await startStandin(account);
    configure({ maxKeepDays: 30 });
    const first = new Date();
    const seenFirst = await handler({ sweepId: 'sweep-keep-1', startedAt: first.toISOString() });
    expect(seenFirst.candidates).toEqual([]);
    const day = first.toISOString().slice(0, 10);
    const capped = new Date(first.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(seenFirst.exemptions).toEqual([
      `self-kept: kept until 2099-01-01 (tag IAM-Janitor:Keep-Until), set by hand, first seen ${day}, counts until ${capped} at most`,
    ]);
    // WHEN a sweep runs 31 days later THEN the user is judged again, and the output says why
    const later = new Date(first.getTime() + 31 * 86_400_000);
    const seenLater = await handler({ sweepId: 'sweep-keep-2', startedAt: later.toISOString() });
    expect(seenLater.candidates.map((candidate) => candidate.userName)).toEqual(['self-kept']);
    expect(seenLater.markerWarnings).toEqual([
      `self-kept: IAM-Janitor:Keep-Until 2099-01-01 set by hand, first seen ${day}, counts for at most 30 days; the user is judged again`,
    ]);
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
    const { account, sweep } = await messyAccount();
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
    const { account, sweep } = await messyAccount();
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

  it('keeps its output far below the 256 KB payload limit at 250 cases of the longest names and paths IAM allows', async () => {
    // GIVEN 260 idle users with 64-character names and 512-character paths (IAM's limits)
    const account = emptyAccount();
    const path = `/${'p'.repeat(510)}/`;
    for (let index = 0; index < 260; index++)
      addUser(account, {
        userName: `${String(index).padStart(4, '0')}${'u'.repeat(60)}`,
        path,
        createDate: ago(400),
      });
    standin = await startStandin(account);
    configure({ maxCasesPerRun: 250, maxCandidateFraction: 1 });
    // WHEN the sweep opens its largest batch
    const output = await handler({ sweepId: `sweep-${'x'.repeat(70)}`, startedAt: new Date().toISOString() });
    expect(output.candidates).toHaveLength(250);
    // THEN its state stays below three quarters of 256 KB, by carrying references only
    expect(Buffer.byteLength(JSON.stringify(output))).toBeLessThan(192 * 1024);
    // (the twin: the same 250 candidates in full would not: 235 KB here, more with an account's fields)
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const full = await Promise.all(
      output.candidates.map(async (ref) => {
        const item = await documentClient().send(
          new GetCommand({
            TableName: CASE_TABLE,
            Key: { pk: `candidate#${ref.subjectId}-${output.runDate}` },
          }),
        );
        return JSON.parse(String(item.Item!.candidate)) as Candidate;
      }),
    );
    expect(Buffer.byteLength(JSON.stringify({ ...output, candidates: full }))).toBeGreaterThan(192 * 1024);
  });
});
