import * as path from 'node:path';
import { CONFIG_KEYS } from '../../lambdas/commons/config/config';
import { runCli } from '../helpers/cli';

/**
 * `-c key=value` is read for simulate as for every other command (issue 34): over the scenario's own
 * config, by the same schema, so an unknown key or a bad value is refused rather than ignored.
 */

const example = (name: string) => path.join(__dirname, '..', '..', 'examples', `${name}.json`);

async function simulateJson(args: string[]) {
  const { code, out, err } = await runCli(['simulate', ...args, '--json']);
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return JSON.parse(out) as { sweep: { candidates: string[] }; cases: { outcome: string }[] };
}

describe('simulate -c', () => {
  // An object is a bad value for every key of the schema: each one must reach it and be refused.
  it.each(CONFIG_KEYS)('refuses a bad value of %s with exit 2, naming the key', async (key) => {
    const { code, err, out } = await runCli(['simulate', '-c', `${key}={"x":{"y":1}}`]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`-c flags.*\\n\\s+${key}(\\.\\S+)?: `));
  });

  it('refuses an unknown key with the key it is a typo of, and a value that is not a number', async () => {
    const typo = await runCli(['simulate', '-c', 'dryrun=true']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('dryrun: unknown key; did you mean dryRun?');
    const notANumber = await runCli(['simulate', '-c', 'thresholdDays=abc']);
    expect(notANumber.code).toBe(2);
    expect(notANumber.err).toMatch(/thresholdDays: must be a number/);
  });

  it('runs with the value given: fewer candidates at a longer threshold, no change in a dry run', async () => {
    const normal = await simulateJson([]);
    const longer = await simulateJson(['-c', 'thresholdDays=400']);
    expect(longer.sweep.candidates.length).toBeGreaterThan(0);
    expect(longer.sweep.candidates.length).toBeLessThan(normal.sweep.candidates.length);
    const outcomes = (await simulateJson(['-c', 'dryRun=true'])).cases.map((entry) => entry.outcome);
    expect(outcomes).toContain('dry-run');
    expect(outcomes).not.toContain('deleted');
    expect(outcomes).not.toContain('disabled');
  });

  it("goes over the scenario's own config, as over cdk.json", async () => {
    const asWritten = await simulateJson(['--scenario', example('dry-run')]);
    expect(asWritten.cases.every((entry) => entry.outcome === 'dry-run')).toBe(true);
    const overridden = await simulateJson(['--scenario', example('dry-run'), '-c', 'dryRun=false']);
    expect(overridden.cases.some((entry) => entry.outcome === 'dry-run')).toBe(false);
  });
});
