import { rewriteCase, useCaseTable } from '../helpers/case-table';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { type CaseSubject } from '../../lambdas/commons/case/record';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { resetClients } from '../../lambdas/commons/runtime/per-container';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { handler } from '../../lambdas/act/handler';
import { main } from '../../lib/cli/main';
import { emptyAccount, type SimAccount } from '../../lib/sim/account';
import { renameUser } from '../../lib/sim/account-changes';
import { openCaseFor } from '../../lib/sim/machines';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { addLoadedUser } from '../helpers/loaded-user';
import { VALID_CONFIG } from '../helpers/stack';
import { startStandin } from '../helpers/standin';

describe('remove Lambda', () => {
  let standin: AwsStandin;
  let account: SimAccount;
  let caseCounter = 0;

  useCaseTable();
  afterEach(async () => {
    await standin.stop();
    await new CaseStore(documentClient(), CASE_TABLE).close(`case-${caseCounter}`, subject, {
      outcome: 'deleted',
      closedAt: '2026-12-02T10:00:00.000Z',
    });
  });

  let subject: CaseSubject;
  async function openCase(dryRun: boolean) {
    account = emptyAccount();
    const user = addLoadedUser(account);
    subject = { userName: user.userName, userId: user.userId };
    standin = await startStandin(account);
    process.env.JANITOR_CONFIG = JSON.stringify({ ...VALID_CONFIG, dryRun });
    resetConfigCache();
    resetClients();
    const caseId = `case-${++caseCounter}`;
    await openCaseFor(new CaseStore(documentClient(), CASE_TABLE), user, caseId);
    return caseId;
  }
  const decision = {
    decision: 'delete' as const,
    decidedBy: 'U0123ABCDEF',
    decidedAt: new Date().toISOString(),
  };

  it('stores the snapshot in the case record, then deletes', async () => {
    const caseId = await openCase(false);
    const output = await handler({ caseId, decision });
    expect(output).toMatchObject({ outcome: 'deleted', snapshotSaved: true });
    expect(account.users.has('loaded')).toBe(false);
    const record = await new CaseStore(documentClient(), CASE_TABLE).get(caseId);
    expect(record?.snapshot).toMatchObject({
      userName: 'loaded',
      groups: ['developers', 'data-readers', 'on-call'],
    });
    expect(record?.removed).toContain('delete user loaded');
  });

  it('can be undone from the case record with restore --case', async () => {
    const caseId = await openCase(false);
    await handler({ caseId, decision });
    expect(account.users.has('loaded')).toBe(false);
    const out: string[] = [];
    const code = await main(['restore', '--case', caseId, '--table', CASE_TABLE, '--yes'], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void out.push(text),
    });
    expect(code).toBe(0);
    expect(account.users.get('loaded')).toMatchObject({
      path: '/team/data/',
      groups: ['developers', 'data-readers', 'on-call'],
    });
    expect(out.join('\n')).toContain('loaded is restored at path /team/data/, with ');
  });

  it('undoes a Disable with restore --case: AWSDenyAll off, the credentials on again, on the same user', async () => {
    // GIVEN a disabled user, renamed by an admin since (the undo follows it by id)
    const caseId = await openCase(false);
    const disable = { ...decision, decision: 'disable' as const };
    expect(await handler({ caseId, decision: disable })).toMatchObject({ outcome: 'disabled' });
    await rewriteCase(caseId, { decision: disable });
    const denied = account.users.get('loaded')!;
    expect(denied.managedPolicies).toContain('arn:aws:iam::aws:policy/AWSDenyAll');
    const before = (await new CaseStore(documentClient(), CASE_TABLE).get(caseId))!.snapshot!;
    renameUser(account, denied, 'loaded-renamed');
    // WHEN restore --case runs on it
    const out: string[] = [];
    const code = await main(['restore', '--case', caseId, '--table', CASE_TABLE, '--yes'], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void out.push(text),
    });
    // THEN the deny is off, every credential Disable turned off is Active again, the tag is gone
    expect(code).toBe(0);
    const user = account.users.get('loaded-renamed')!;
    expect(user.managedPolicies).toEqual(before.managedPolicies);
    expect(user.accessKeys.map((key) => key.status)).toEqual(before.accessKeys.map((key) => key.status));
    expect(Object.keys(user.tags)).not.toContain('iam-janitor:disabled-at');
    expect(account.users.size).toBe(1);
    const text = out.join('\n');
    expect(text).toContain('detach the deny-all policy arn:aws:iam::aws:policy/AWSDenyAll');
    expect(text).toContain('The console password Disable deleted is not recreated');
    expect(text).toContain('The Disable of loaded-renamed is undone');
  });

  it('says so when a case holds no snapshot', async () => {
    const caseId = await openCase(false);
    const errors: string[] = [];
    expect(
      await main(['restore', '--case', caseId, '--table', CASE_TABLE, '--yes'], {
        stdout: () => undefined,
        stderr: (text) => void errors.push(text),
      }),
    ).toBe(1);
    expect(errors.join('')).toBe(
      `iam-janitor restore: Case ${caseId} holds no snapshot: nothing was removed in it.`,
    );
  });

  it('deactivates the one credential of a credential case, refuses Delete on it, and points restore at the undo', async () => {
    const caseId = await openCase(false);
    const store = new CaseStore(documentClient(), CASE_TABLE);
    const user = account.users.get('loaded')!;
    const key = user.accessKeys[0]!;
    const record = (await store.get(caseId))!;
    await rewriteCase(caseId, {
      candidate: {
        ...record.candidate,
        kind: 'credential',
        credential: { kind: 'access-key', slot: 1, issuedAt: key.createDate.toISOString() },
        lastActivity: key.lastUsedDate?.toISOString() ?? null,
      },
      credentialId: key.id,
    });
    // A Delete that reached the remover on a credential case (the interactions check is the first wall).
    await expect(handler({ caseId, decision })).rejects.toThrow('A credential case takes Deactivate or Keep');
    expect(standin.mutatingCalls()).toEqual([]);
    const output = await handler({ caseId, decision: { ...decision, decision: 'deactivate' } });
    expect(output).toMatchObject({ outcome: 'deactivated', snapshotSaved: true });
    expect(standin.mutatingCalls().map((call) => call.action)).toEqual(['UpdateAccessKey']);
    expect(account.users.has('loaded')).toBe(true);
    const errors: string[] = [];
    expect(
      await main(['restore', '--case', caseId, '--table', CASE_TABLE, '--yes'], {
        stdout: () => undefined,
        stderr: (text) => void errors.push(text),
      }),
    ).toBe(1);
    expect(errors.join('')).toContain(
      `aws iam update-access-key --user-name loaded --access-key-id ${key.id} --status Active`,
    );
  });

  it('keeps an outcome once written: the same one may be written again, another never', async () => {
    const caseId = await openCase(false);
    const store = new CaseStore(documentClient(), CASE_TABLE);
    const ending = {
      outcome: 'deleted',
      outcomeDetail: 'first',
      closedAt: '2026-12-02T10:00:00.000Z',
    } as const;
    await store.close(caseId, subject, ending);
    // A retried RecordOutcome writes the same outcome again.
    await store.close(caseId, subject, ending);
    await expect(
      store.close(caseId, subject, { ...ending, outcome: 'kept', outcomeDetail: 'second' }),
    ).rejects.toThrow(`Case ${caseId} already ended deleted; an outcome is never rewritten (not kept).`);
    expect(await store.get(caseId)).toMatchObject({ outcome: 'deleted', outcomeDetail: 'first' });
  });

  it('in dryRun stores the snapshot and changes nothing', async () => {
    const caseId = await openCase(true);
    const output = await handler({ caseId, decision });
    expect(output.outcome).toBe('dry-run');
    expect(output.planned).toContain('delete user loaded');
    expect(standin.mutatingCalls()).toEqual([]);
  });

  it('finishes after a crash, keeping the first snapshot and the orphan-prone virtual MFA device in the plan', async () => {
    const caseId = await openCase(false);
    standin.options.beforeIamAction = (action) =>
      action === 'DeleteVirtualMFADevice' ? { code: 'InjectedCrash', message: 'crash' } : undefined;
    await expect(handler({ caseId, decision })).rejects.toThrow('crash');
    standin.options.beforeIamAction = undefined;
    expect((await handler({ caseId, decision })).outcome).toBe('deleted');
    expect([...account.virtualMfaDevices.keys()]).toEqual([]);
    const record = await new CaseStore(documentClient(), CASE_TABLE).get(caseId);
    expect((record?.snapshot as { mfaDevices: unknown[] }).mfaDevices).toHaveLength(2);
  });

  it('rejects a decision that is not delete, disable or keep', async () => {
    const caseId = await openCase(false);
    await expect(handler({ caseId, decision: { ...decision, decision: 'purge' } })).rejects.toThrow();
    expect(standin.mutatingCalls()).toEqual([]);
  });
});
