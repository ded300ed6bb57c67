import { logger } from '../../lambdas/commons/runtime/observability';
import { SIM_SECRETS } from '../../lib/sim/engine-options';
import { Simulation } from '../../lib/sim/engine';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

describe('log hygiene', () => {
  it('never writes a task token, a secret or a whole event to the logs', async () => {
    // GIVEN every handler logging at DEBUG, and every byte written to stdout and stderr captured
    logger.setLogLevel('DEBUG');
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      // Captured, not passed on: the DEBUG logs are what this test reads, not what the report shows.
      return jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    };
    const spies = [capture(process.stdout), capture(process.stderr)];
    const account = loadedAccount();
    const sim: Simulation = new Simulation({
      account,
      config: VALID_CONFIG,
      jiraFailures: 1,
      slackFailures: 1,
      approvalTimeoutSeconds: 3,
      onApprovalRequested: async (caseId) => {
        await sim.click(caseId, 'delete', APPROVER, { signingSecret: 'forged-secret' });
        await sim.click(caseId, 'delete', 'U0999INTRUDR');
        await sim.click(caseId, 'delete', APPROVER);
      },
    });
    try {
      await sim.start();
      // WHEN a whole case runs: retries, a forged click, a refused click, a deletion
      const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
      expect(run.states).toContain('Act');
    } finally {
      await sim.stop();
      spies.forEach((spy) => spy.mockRestore());
      logger.setLogLevel('SILENT');
    }

    // THEN the logs say what happened, and nothing that could be replayed or abused
    const logs = written.join('');
    expect(logs).toContain('"message":"decision recorded"');
    expect(logs).toContain('"message":"rejected Slack request"');
    expect(logs).toContain(`"caseId":"${CASE_ID}"`);
    // Every line names the Lambda request it belongs to, as injectLambdaContext would add it.
    const lines = logs
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"level"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((line) => typeof line.function_request_id !== 'string')).toEqual([]);
    const decision = lines.find((line) => line.message === 'decision recorded')!;
    expect(decision.function_name).toBe('iam-janitor-slack-interactions');
    expect(new Set(lines.map((line) => line.function_request_id)).size).toBeGreaterThan(5);
    const forbidden = [
      'sim-task-token',
      ...Object.values(SIM_SECRETS),
      Buffer.from(`${SIM_SECRETS.jiraEmail}:${SIM_SECRETS.jiraApiToken}`).toString('base64'),
      'x-slack-signature',
      'payload=',
      '"isBase64Encoded"',
    ];
    for (const secret of forbidden)
      expect({ secret, found: logs.includes(secret) }).toEqual({ secret, found: false });
  }, 60_000);
});
