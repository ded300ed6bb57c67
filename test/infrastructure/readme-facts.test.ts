import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { guardNote } from '../../bench/report';
import { CONFIG_DOCS } from '../../lib/docs/config-docs';
import { createAlarmsAndDashboard } from '../../lib/infra/alarms';
import { LAMBDA_NAMES, LAMBDAS } from '../../lib/infra/lambdas';

/**
 * The README and BENCHMARKS say what the code does: each fact below is read from the code (the
 * alarms the stack creates, the variables the CLI reads, the schedules a key applies to, the
 * figures the bench runs with), so a new alarm, variable or schedule fails here until documented.
 */

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');

/** Every alarm the stack can create, in either mode, by its construct id (its name in the console). */
function alarmNames(): string[] {
  const stack = new Stack(new App(), 'Alarms');
  const machine = (id: string) =>
    new sfn.StateMachine(stack, id, {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, `${id}Pass`)),
    });
  const alarms = createAlarmsAndDashboard(
    stack,
    { sweep: machine('Sweep'), case: machine('Case') },
    undefined,
    {
      organization: true,
    },
  );
  return alarms.map((alarm) => alarm.node.id);
}

describe('the README', () => {
  it("lists every alarm in the runbook's alarm table", () => {
    const runbook = README.slice(README.indexOf('## Operations runbook'));
    const table = runbook.slice(0, runbook.indexOf('\n\n', runbook.indexOf('| alarm')));
    const missing = alarmNames().filter((name) => !table.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('names every environment variable the command line reads', () => {
    const cli = path.join(ROOT, 'lib', 'cli');
    const read = fs
      .readdirSync(cli)
      .flatMap((file) => [
        ...fs.readFileSync(path.join(cli, file), 'utf8').matchAll(/process\.env\.([A-Z_]+)/g),
      ])
      .map((match) => match[1]!);
    expect(read.length).toBeGreaterThan(0);
    expect([...new Set(read)].filter((name) => !README.includes(`\`${name}\``))).toEqual([]);
  });

  it('says scheduleTimezone applies to every schedule the stack builds with it', () => {
    // The sweep's, and each cron a Lambda's declaration takes from the config.
    const sweep = [
      ...read('lib/infra/schedules.ts').matchAll(
        /config\.(\w+),\s*TimeZone\.of\(config\.scheduleTimezone\)/g,
      ),
    ].map((match) => match[1]!);
    const declared = LAMBDA_NAMES.flatMap((name) => {
      const expression = LAMBDAS[name].schedule?.expression;
      return expression && 'cron' in expression ? [expression.cron] : [];
    });
    const zoned = [...sweep, ...declared];
    expect(sweep).toHaveLength(1);
    expect(zoned.length).toBeGreaterThan(1);
    const effect = CONFIG_DOCS.scheduleTimezone.effect;
    expect(zoned.filter((key) => !effect.includes(`\`${key}\``))).toEqual([]);
  });

  it('says of no example user that it was active during the wait when its use came before the sweep', () => {
    const scenario = JSON.parse(read('examples/credentials.json')) as {
      now: string;
      activityDuringApproval: Record<string, string>;
    };
    const before = Object.values(scenario.activityDuringApproval).filter(
      (at) => Date.parse(at) < Date.parse(scenario.now),
    );
    expect(before.length).toBeGreaterThan(0);
    const bullet = README.slice(
      README.indexOf('[`credentials.json`]'),
      README.indexOf('[`offboarding.json`]'),
    );
    expect(bullet).not.toMatch(/during the wait/);
  });
});

describe('BENCHMARKS.md', () => {
  it("names the guard's threshold as the bench runs it, beside the candidates' share", () => {
    const note = guardNote(1000, 5000, 0.15);
    expect(note).toBe('20% of the users, over a maxCandidateFraction of 15%: the guard halts');
    expect(read('BENCHMARKS.md')).toContain(`| 5,000 users, 1,000 candidates (${note}) |`);
    // The bench passes the same fraction it prints.
    expect(read('bench/run.ts')).toMatch(/guardNote\(1000, 5000, 0\.15\)\}\)`, 1000, 0\.15\]/);
  });
});
