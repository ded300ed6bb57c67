import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeVersionWarning, requiredNodeMajor } from '../../lib/cli/node-version';

/** On a Node.js older than `engines` asks, the CLI says so once and the README foretells npm's warnings. */

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'iam-janitor.js');

/** Whether a semver range of `engines` admits Node.js `major`: enough of semver for the ranges packages write. */
function admits(range: string, major: number): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .replace(/([<>=^~]+)\s+/g, '$1')
      .trim()
      .split(/\s+/)
      .every((comparator) => {
        const [, op = '', bound] = /^(>=|<=|>|<|\^|~|=)?v?(\d+)/.exec(comparator) ?? [];
        if (bound === undefined) return true; // *, x, an empty range
        const n = Number(bound);
        if (op === '<') return major < n;
        if (op === '<=') return major <= n;
        if (op === '>' || op === '>=') return major >= n;
        return major === n; // ^N, ~N, =N or N: within that major
      }),
  );
}

/** Every package of the lock file whose `engines` refuses Node.js `major`: npm's EBADENGINE list. */
function refusing(major: number): { name: string; range: string }[] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { name?: string; engines?: { node?: string } | string[] }>;
  };
  return Object.entries(lock.packages).flatMap(([where, entry]) => {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!range || admits(range, major)) return [];
    return [{ name: where === '' ? entry.name! : where.replace(/^.*node_modules\//, ''), range }];
  });
}

/** The node binaries on PATH and the system's, by major version. */
function nodeBinaries(): { bin: string; major: number }[] {
  const found = new Set(['/usr/bin/node', process.execPath]);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) found.add(path.join(dir, 'node'));
  return [...found]
    .filter((bin) => fs.existsSync(bin))
    .map((bin) => ({
      bin,
      major: Number(execFileSync(bin, ['-p', 'process.versions.node']).toString().split('.')[0]),
    }));
}

describe('an older Node.js', () => {
  it('is told once, and a supported one not at all', () => {
    expect(requiredNodeMajor()).toBe(22);
    expect(nodeVersionWarning('20.20.2')).toMatch(
      /^iam-janitor: this is Node\.js 20\.20\.2, older than the 22 or later/,
    );
    expect(nodeVersionWarning('21.7.3')).toBeDefined();
    expect(nodeVersionWarning('22.0.0')).toBeUndefined();
    expect(nodeVersionWarning('24.21.0')).toBeUndefined();
  });

  it('is said at start by the CLI itself, once, on every node binary found here', () => {
    for (const { bin, major } of nodeBinaries()) {
      const run = spawnSync(bin, [BIN, 'version'], { encoding: 'utf8', cwd: ROOT });
      expect(run.status).toBe(0);
      const said = run.stderr.split('\n').filter((line) => line.includes('older than the'));
      expect({ bin, said: said.length }).toEqual({ bin, said: major < requiredNodeMajor() ? 1 : 0 });
    }
  }, 120_000);

  it("README names each EBADENGINE warning npm ci prints on Node.js 20, with the package's range", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const paragraph = /Node\.js 20 reached its end[\s\S]*?polyfill/.exec(readme)![0].replace(/\s+/g, ' ');
    const warned = refusing(20);
    expect(warned.map((entry) => entry.name).sort()).toEqual([
      '@sparticuz/chromium',
      'aws-local-stepfunctions',
      'iam-janitor',
    ]);
    expect(paragraph).toContain(
      `prints ${['no', 'one', 'two', 'three'][warned.length]} \`EBADENGINE\` warnings`,
    );
    for (const { name, range } of warned) {
      expect(paragraph).toContain(`\`${name}\``);
      expect(paragraph).toContain(`required: { node: '${range}' }`);
    }
  });
});
