import { performance } from 'node:perf_hooks';
import { addUser, emptyAccount } from '../lib/sim/account';
import { openCaseFor } from '../lib/sim/machines';
import { Simulation } from '../lib/sim/engine';

/**
 * Latency of the interactions handler for real signed clicks on waiting cases, with `latencyMs`
 * added to every Step Functions, Secrets Manager and Slack call.
 */
export async function handleSignedClicks(clicks: number, latencyMs: number): Promise<number[]> {
  const account = emptyAccount();
  const approver = 'U0123ABCDEF';
  const sim = new Simulation({
    account,
    config: {
      slackChannelId: 'C0SIMULATED',
      approverSlackUserIds: [approver],
      slackTeamId: 'T0SIMULATED',
      jiraBaseUrl: 'http://127.0.0.1',
      jiraProjectKey: 'SEC',
    },
    standin: { faults: { latencyMs } },
  });
  await sim.start();
  sim.slack.latencyMs = latencyMs;
  // Every waiting execution accepts its decision.
  sim.aws.options.onTaskCallback = () => undefined;
  const caseIds: string[] = [];
  for (let index = 0; index < clicks; index++) {
    const user = addUser(account, { userName: `waiting-${index}` });
    const caseId = `${user.userId}-bench`;
    await openCaseFor(sim.store, user, caseId);
    const ts = `1763802000.${String(index).padStart(6, '0')}`;
    sim.slack.messages.set(ts, {
      method: 'chat.postMessage',
      channel: 'C0SIMULATED',
      ts,
      text: 'request',
      blocks: [],
    });
    await sim.store.awaitDecision(caseId, `bench-token-${index}`);
    await sim.store.attachMessage(caseId, { slackTs: ts, slackChannel: 'C0SIMULATED' });
    caseIds.push(caseId);
  }
  const latencies: number[] = [];
  for (const caseId of caseIds) {
    const started = performance.now();
    const response = await sim.click(caseId, 'keep', approver);
    latencies.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`click answered ${response.statusCode}`);
  }
  if (sim.aws.callsOf('SendTaskSuccess').length !== clicks)
    throw new Error('not every click resumed its case');
  await sim.stop();
  return latencies;
}
