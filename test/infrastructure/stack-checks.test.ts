import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IamJanitorStack } from '../../lib/infra/iam-janitor-stack';
import { lambdasOf } from '../../lib/infra/lambdas';
import { synthStack, VALID_CONFIG } from '../helpers/stack';

const LAMBDA_NAMES = lambdasOf('account');

// GetSecretValue only: no function calls DescribeSecret.

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding, and every acknowledgement gives a reason', () => {
    // GIVEN the AwsSolutions pack as a validation plugin WHEN the app synthesizes THEN nothing is left unacknowledged
    const { app, stack } = synthStack({ alarmEmail: 'security@example.com' }, { nag: true });
    expect(() => app.synth()).not.toThrow();
    const acknowledged = stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules');
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const entry of acknowledged) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        expect(id).toMatch(/^AwsSolutions::AwsSolutions-/);
        expect(reason.length).toBeGreaterThan(40);
      }
    }
  });

  it('fails synth when a finding is not acknowledged', () => {
    // GIVEN a deliberate wildcard no acknowledgement covers
    const { app, stack } = synthStack({}, { nag: true });
    stack.janitor.functions['open-ticket'].addToRolePolicy(
      new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow(/Acknowledge with 'AwsSolutions::AwsSolutions-IAM5\[Action::s3:\*\]'/);
  });
});

describe('bundling', () => {
  it('bundles every handler with local esbuild, no Docker', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-synth-'));
    const app = new App({ outdir });
    // CDK bundles as it builds each function's asset, and writes a progress line per asset straight
    // to stderr, whatever esbuild's logLevel: kept here rather than printed by `npm test`; any other
    // line (an esbuild warning) fails.
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      new IamJanitorStack(app, 'Bundled', { config: VALID_CONFIG });
    } finally {
      stderr.mockRestore();
    }
    const progress = written.join('').split('\n').filter(Boolean);
    expect(progress.filter((line) => !/^Bundling asset Bundled\/\S+\.\.\.$/.test(line))).toEqual([]);
    expect(progress.length).toBeGreaterThan(0);
    const assembly = app.synth();
    const assets = fs.readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    const bundles = assets.filter((asset) => fs.existsSync(path.join(assembly.directory, asset, 'index.js')));
    expect(bundles).toHaveLength(LAMBDA_NAMES.length);
    const texts = bundles.map((bundle) =>
      fs.readFileSync(path.join(assembly.directory, bundle, 'index.js'), 'utf8'),
    );
    for (const text of texts) expect(text.length).toBeGreaterThan(1000);
    // AND the stack bundles as esbuildOptions does, ES module builds first: IAM's DeleteLoginProfile,
    // which the remover sends, is in a bundle, and CreateSAMLProvider, which no function sends, in none
    expect(texts.filter((text) => text.includes('"DeleteLoginProfile"')).length).toBeGreaterThan(0);
    expect(texts.filter((text) => text.includes('"CreateSAMLProvider"')).length).toBe(0);
  }, 120_000);
});
