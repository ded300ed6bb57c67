import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { resetClients } from '../../lambdas/commons/runtime/per-container';
import { handler } from '../../lambdas/inventory/handler';
import { loadConfig, useCommandLineContext } from '../../lib/cli/config-file';
import { main } from '../../lib/cli/main';
import { addUser, emptyAccount } from '../../lib/sim/account';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { ago, pointClientsAt, startStandin } from '../helpers/standin';

/**
 * `report` "judges exactly as the deployed sweep does" (README): given the case table, it reads
 * what the sweep reads there, so a user whose case is open is shown as such, and the cases it says
 * a sweep would open are the ones the sweep opens.
 */

const FLAGS = ['-c', 'maxCandidateFraction=1'];
let stop: () => Promise<void>;

beforeAll(async () => {
  const account = emptyAccount();
  const waiting = addUser(account, { userName: 'waiting', createDate: ago(400) });
  addUser(account, { userName: 'idle-1', createDate: ago(400) });
  addUser(account, { userName: 'idle-2', createDate: ago(300) });
  addUser(account, {
    userName: 'busy',
    createDate: ago(400),
    password: { createDate: ago(400), lastUsed: ago(1) },
  });
  const standin = await startStandin(account);
  const dynamo = await startDynamo();
  pointClientsAt({ dynamodb: dynamo.url });
  stop = async () => void (await Promise.all([standin.stop(), dynamo.stop()]));
  // An earlier sweep's case for waiting, still waiting for its decision.
  await new CaseStore(documentClient(), CASE_TABLE).open({
    caseId: 'case-of-waiting',
    userName: 'waiting',
    userId: waiting.userId,
    arn: waiting.arn,
    candidate: {
      kind: 'user',
      userName: 'waiting',
      userId: waiting.userId,
      subjectId: waiting.userId,
    } as Candidate,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:case:case-of-waiting',
    openedAt: ago(3).toISOString(),
  });
});
afterAll(() => stop());

async function report(args: string[]) {
  const out: string[] = [];
  const code = await main(['report', '--table', CASE_TABLE, ...FLAGS, ...args], {
    stdout: (text) => void out.push(text),
    stderr: () => undefined,
  });
  expect(code).toBe(0);
  return out.join('\n');
}

describe('report --table', () => {
  it("shows a user whose case is open as open-case, and would open exactly the sweep's cases", async () => {
    const verdicts = Object.fromEntries(
      (JSON.parse(await report(['--json'])) as { userName: string; verdict: string }[]).map((user) => [
        user.userName,
        user.verdict,
      ]),
    );
    expect(verdicts).toMatchObject({ waiting: 'open-case', busy: 'active' });
    const wouldOpen = Number(/a sweep would open (\d+) case/.exec(await report([]))![1]);

    // The sweep itself, on the same config and the same table.
    useCommandLineContext(FLAGS.filter((flag) => flag !== '-c'));
    process.env.JANITOR_CONFIG = JSON.stringify(loadConfig());
    process.env.CASE_TABLE_NAME = CASE_TABLE;
    resetConfigCache();
    resetClients();
    try {
      const swept = await handler({ sweepId: 'sweep-after-report', startedAt: new Date().toISOString() });
      const opened = swept.candidates.map((candidate) => candidate.userName).sort();
      expect(opened).toEqual(
        Object.entries(verdicts)
          .filter(([, verdict]) => verdict === 'inactive')
          .map(([userName]) => userName)
          .sort(),
      );
      expect(wouldOpen).toBe(opened.length);
    } finally {
      delete process.env.CASE_TABLE_NAME;
      delete process.env.JANITOR_CONFIG;
      useCommandLineContext([]);
    }
  });
});
