import { runReport } from '../../lib/cli/report';
import { addUser, emptyAccount } from '../../lib/sim/account';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { putDisableCase } from '../helpers/case-table';
import { pointClientsAt, startStandin } from '../helpers/standin';

/**
 * `report` judges marker tags as the inventory Lambda does: a disabled-at tag counts only where
 * the case table (--table or CASE_TABLE_NAME) holds the Disable that wrote it. Without the table
 * the report cannot prove it, says so, and judges the user from its last uses.
 */
const NOW = new Date('2026-11-22T09:00:00Z');
const DISABLED_AT = '2026-10-01T08:00:00Z';

let stop: () => Promise<void>;
let userId: string;
beforeAll(async () => {
  const account = emptyAccount();
  // Disabled by a recorded Disable: no password, no credential left, idle since long before.
  userId = addUser(account, {
    userName: 'gone-quiet',
    tags: { 'iam-janitor:disabled-at': DISABLED_AT },
  }).userId;
  // Tagged itself: the same tag, no case behind it.
  addUser(account, { userName: 'self-tagged', tags: { 'IAM-Janitor:Disabled-At': DISABLED_AT } });
  // Idle, and kept by a keep-until it wrote itself.
  addUser(account, {
    userName: 'self-kept',
    password: { createDate: new Date('2024-01-01T00:00:00Z'), lastUsed: new Date('2026-01-01T00:00:00Z') },
    tags: { 'iam-janitor:keep-until': '2099-01-01' },
  });
  const standin = await startStandin(account);
  const dynamo = await startDynamo();
  pointClientsAt({ dynamodb: dynamo.url });
  stop = async () => void (await Promise.all([standin.stop(), dynamo.stop()]));
  await putDisableCase('case-of-gone-quiet', userId, 'gone-quiet', DISABLED_AT);
});
afterAll(() => stop());

async function report(flags: Record<string, unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReport(
    { json: true, ...flags },
    { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    NOW,
  );
  const users = JSON.parse(out.join('\n')) as { userName: string; verdict: string; reason: string }[];
  return { code, err, verdicts: Object.fromEntries(users.map((user) => [user.userName, user.verdict])) };
}

describe('report and marker tags', () => {
  it('with --table, keeps the user a recorded Disable marked disabled and judges the self-tagged one', async () => {
    const { code, err, verdicts } = await report({ table: CASE_TABLE });
    expect(code).toBe(0);
    expect(verdicts).toEqual({ 'gone-quiet': 'disabled', 'self-tagged': 'inactive', 'self-kept': 'snoozed' });
    expect(err).toEqual([
      `warning: self-tagged: tag IAM-Janitor:Disabled-At="${DISABLED_AT}" ignored: no Disable in the case table wrote it; the user is judged from its last uses`,
    ]);
  });

  it('reads the table named by CASE_TABLE_NAME when no --table is given', async () => {
    process.env.CASE_TABLE_NAME = CASE_TABLE;
    try {
      expect((await report({})).verdicts['gone-quiet']).toBe('disabled');
    } finally {
      delete process.env.CASE_TABLE_NAME;
    }
  });

  it('without the table, proves no marker and says the table was not read, not that no Disable wrote it', async () => {
    const { err, verdicts } = await report({});
    expect(verdicts).toEqual({ 'gone-quiet': 'inactive', 'self-tagged': 'inactive', 'self-kept': 'snoozed' });
    expect(err).toEqual([
      `warning: gone-quiet: tag iam-janitor:disabled-at="${DISABLED_AT}" ignored: the case table was not read to prove it; the user is judged from its last uses`,
      `warning: self-tagged: tag IAM-Janitor:Disabled-At="${DISABLED_AT}" ignored: the case table was not read to prove it; the user is judged from its last uses`,
    ]);
  });

  it('lists each exemption with its origin: a keep-until no Keep wrote is set by hand, capped by maxKeepDays', async () => {
    const out: string[] = [];
    await runReport({ table: CASE_TABLE }, { stdout: (text) => out.push(text), stderr: () => {} }, NOW);
    expect(out.join('\n')).toContain(
      'Exemptions (1):\n  self-kept: kept until 2099-01-01 (tag iam-janitor:keep-until), set by hand, first seen 2026-11-22, counts until 2027-11-22 at most',
    );
  });

  it('without the table, says the origin was not checked', async () => {
    const out: string[] = [];
    await runReport({}, { stdout: (text) => out.push(text), stderr: () => {} }, NOW);
    expect(out.join('\n')).toContain(
      'self-kept: kept until 2099-01-01 (tag iam-janitor:keep-until), origin not checked: the case table was not read',
    );
  });
});
