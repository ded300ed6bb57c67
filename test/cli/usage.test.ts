import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotSchema } from '../../lambdas/commons/iam/snapshot';
import { COMMANDS } from '../../lib/cli/commands';
import { runCli } from '../helpers/cli';
import { packageVersion } from '../../lib/cli/version';
import { parseScenario, scenarioSchema } from '../../lib/sim/scenario';

/**
 * The command line tells the truth about its input (issue 34): a usage error exits 2 and says so
 * in the same shape for every command, and every --help explains every option in 100 columns.
 */

const NAMES = Object.keys(COMMANDS);
const ROOT = path.join(__dirname, '..', '..');

beforeEach(() => {
  delete process.env.CASE_TABLE_NAME;
  delete process.env.CASE_STATE_MACHINE_ARN;
});

describe('usage errors', () => {
  /** Each command's own mistakes, beside the two every command can be given. */
  const mistakes: string[][] = [
    ...NAMES.flatMap((name) => [
      [name, '--no-such-option'],
      [name, '-c', 'thresholdDays'],
      [name, '--help=yes'],
    ]),
    ['report', '--threshold-days'],
    ['report', '--threshold-days', 'x'],
    ['report', '-c', 'thresholdDays=abc'],
    ['report', '-c', 'dryrun=true'],
    ['delete-user'],
    ['delete-user', 'a', 'b'],
    ['delete-user', 'a'],
    ['restore'],
    ['restore', 'a.json', '--case', 'x'],
    ['release'],
    ['release', '--case', 'x'],
    ['acknowledge-guard'],
    ['acknowledge-guard', '--table', 't', '--hours', '0'],
    ['acknowledge-guard', '--table', 't', '--account', '12'],
    ['offboard'],
    ['offboard', 'alice'],
    ['offboard', 'alice', 'bob', '--state-machine', 'arn:aws:states:::x'],
    ['cases'],
    ['cases', '--table', 't', '--json', '--csv'],
    ['cases', '--table', 't', '--since', 'yesterday'],
    ['simulate', '--scenario', path.join(os.tmpdir(), 'no-such-scenario.json')],
    ['simulate', '-c', 'thresholdDays=abc'],
  ];

  it.each(mistakes)(
    '%s %s %s %s: exit 2, "iam-janitor <command>: " first, nothing on stdout',
    async (...args) => {
      const { code, out, err } = await runCli(args);
      expect({ code, out }).toEqual({ code: 2, out: '' });
      expect(err).toMatch(new RegExp(`^iam-janitor ${args[0]}: \\S`));
      // Said once, not once per line of a validator.
      expect(err.match(/iam-janitor [a-z-]+: /g)).toHaveLength(1);
    },
  );

  it('names an unknown command in one line, with the command it is a typo of', async () => {
    for (const [typo, meant] of [
      ['versoin', 'version'],
      ['reprot', 'report'],
      ['simualte', 'simulate'],
    ]) {
      const { code, err } = await runCli([typo!]);
      expect(code).toBe(2);
      expect(err).toBe(
        `iam-janitor: unknown command "${typo}"; did you mean ${meant}? iam-janitor --help lists the commands.`,
      );
    }
  });

  it('offers the option an unknown one is a typo of', async () => {
    const { err } = await runCli(['report', '--tabel', 'x']);
    expect(err.split('\n')[0]).toBe('iam-janitor report: unknown option --tabel; did you mean --table?');
  });

  it('answers version as a command, in one line', async () => {
    expect(await runCli(['version'])).toEqual({ code: 0, out: packageVersion(), err: '' });
  });
});

describe('--help', () => {
  it.each(NAMES)(
    '%s --help explains every option and its default, in lines of at most 100 columns',
    async (name) => {
      const { code, out } = await runCli([name, '--help']);
      expect(code).toBe(0);
      for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
      expect(out).toMatch(new RegExp(`^Usage: iam-janitor ${name}`));
      const optionLines = out.split('\n\nOptions:\n')[1]?.split('\n') ?? [];
      for (const [flag, option] of Object.entries(COMMANDS[name]!.options)) {
        // The option's own entry, and the text up to the next entry (wrapped lines start with spaces only).
        const start = optionLines.findIndex((line) => line.startsWith(`  --${flag}`));
        expect(start).toBeGreaterThanOrEqual(0);
        const next = optionLines.findIndex((line, index) => index > start && /^ {2}-/.test(line));
        const entry = optionLines.slice(start, next).join(' ');
        expect(entry.length).toBeGreaterThan(`  --${flag}`.length + 20);
        if (option.type === 'string') expect(entry).toMatch(/ (Default: .+|Required)\./);
      }
      if (name !== 'version') expect(out).toContain('  -c key=value');
    },
  );

  it('the main help fits 100 columns and names every command', async () => {
    const { code, out } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    for (const name of NAMES) expect(out).toContain(`\n  ${name}`);
  });

  it('names defaults that are true: the scenario exists, the hours are those the command waits', async () => {
    const scenario = /--scenario FILE .*?Default: (\S+)\./s.exec((await runCli(['simulate', '--help'])).out);
    expect(fs.existsSync(path.join(ROOT, scenario![1]!))).toBe(true);
    const hours = /--hours N .*?Default: (\d+)\./s.exec((await runCli(['acknowledge-guard', '--help'])).out);
    // The acknowledgement the command writes without --hours expires that many hours later (acknowledge-guard.test).
    expect(Number(hours![1])).toBe(72);
  });
});

describe('input files', () => {
  it('names every missing field of a partial snapshot in one line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'partial-'));
    const given = { schemaVersion: 1, userName: 'bob', path: '/' };
    fs.writeFileSync(path.join(dir, 's.json'), JSON.stringify(given));
    const { code, err } = await runCli(['restore', path.join(dir, 's.json'), '--yes']);
    expect(code).toBe(2);
    expect(err.split('\n')).toHaveLength(1);
    const required = Object.entries(snapshotSchema.entries)
      .filter(([, entry]) => !entry.type.includes('optional'))
      .map(([key]) => key)
      .filter((key) => !(key in given));
    expect(required.length).toBeGreaterThan(5);
    expect(err).toContain(`missing ${required.join(', ')}.`);
  });

  it.each([
    ['(root)', [] as string[], Object.keys(scenarioSchema.shape)],
    ['users[0]', ['users'], ['userName', 'path', 'createDate', 'password', 'accessKeys', 'tags']],
  ])('offers the field a misspelt one at %s is a typo of', (where, at, fields) => {
    const base = { now: '2026-11-22T09:00:00Z', users: [{ userName: 'a', createDate: '2026-01-01' }] };
    for (const field of fields) {
      const typo = `${field.slice(0, -1)}${field.at(-1)}${field.at(-1)}`;
      const raw = structuredClone(base) as Record<string, unknown>;
      const target = at.length === 0 ? raw : (raw.users as Record<string, unknown>[])[0]!;
      target[typo] = target[field] ?? null;
      expect(() => parseScenario(raw, 'typo.json')).toThrow(
        `${where}: unknown field ${typo}; did you mean ${field}?`,
      );
    }
  });
});
