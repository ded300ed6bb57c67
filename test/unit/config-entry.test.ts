import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromContext, nearestKey } from '../../lambdas/commons/config/config';
import { main } from '../../lib/cli/main';

const ROOT = path.join(__dirname, '..', '..');
const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Runs bin/app.ts as `cdk synth` does, with this context in CDK_CONTEXT_JSON. */
function synth(context: Record<string, unknown>): { code: number; out: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
  try {
    const out = execFileSync(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(ROOT, 'bin', 'app.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      },
    );
    return { code: 0, out };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, out: `${failed.stdout}${failed.stderr}` };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('a config that cannot silently go live', () => {
  it('fails synth on "dryrun": true, naming dryrun, suggesting dryRun, with no stack trace', () => {
    const { code, out } = synth({ ...shipped.context, dryrun: true });
    expect(code).toBe(1);
    expect(out).toContain('dryrun: unknown key; did you mean dryRun?');
    expect(out).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('suggests the nearest key for typos and case slips, and nothing for an unrelated word', () => {
    expect(nearestKey('dryrun')).toBe('dryRun');
    expect(nearestKey('treshholdDays')).toBe('thresholdDays');
    expect(nearestKey('slackChanelId')).toBe('slackChannelId');
    expect(nearestKey('banana')).toBeUndefined();
  });

  it("passes every key but CDK's own to the schema", () => {
    expect(
      Object.keys(
        configFromContext({
          dryrun: true,
          '@aws-cdk/core:newStyleStackSynthesis': true,
          'aws:cdk:enable-path-metadata': true,
          'availability-zones:account=1:region=x': [],
          stackName: 'X',
          thresholdDays: 30,
        }),
      ),
    ).toEqual(['dryrun', 'thresholdDays']);
  });
});

describe('the CLI reads the config as cdk synth does', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      style: {
        bold: (text: string) => text,
        dim: (text: string) => text,
        red: (text: string) => text,
        green: (text: string) => text,
        yellow: (text: string) => text,
      } as never,
      progress: undefined as never,
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('refuses a misspelt -c key, saying it came from a -c flag', async () => {
    const { code, err } = await run(['report', '-c', 'dryrun=true']);
    // A usage error (issue 34): exit 2, as every other mistake on the command line.
    expect(code).toBe(2);
    expect(err).toMatch(/config \(.*cdk\.json and -c flags\)/);
    expect(err).toContain('dryrun: unknown key; did you mean dryRun?');
  });

  it('prints the package version', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out).toBe(
      (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });
});
