import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE } from '../lib/janitor-function';
import { JiraStandin } from '../lib/sim/jira-standin';

describe('the zod shim the bundles use', () => {
  it('gives jira.js everything it calls on zod, so a bundled Jira client works', async () => {
    // GIVEN a bundle built exactly as the Lambdas are, holding jira.js and our schemas
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-bundle-'));
    const entry = path.join(__dirname, 'fixtures', 'bundle-entry.ts');
    const outfile = path.join(dir, 'entry.js');
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      external: [...BUNDLE.external],
      alias: { ...BUNDLE.alias },
      metafile: true,
      logLevel: 'silent',
    });
    // THEN zod is shaken down: without the shim it weighs about 450 KB on its own
    const zodBytes = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]!]!.inputs)
      .filter(([file]) => file.includes('node_modules/zod/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(zodBytes).toBeLessThan(150 * 1024);

    // AND the bundled client talks to Jira
    const jira = new JiraStandin('bot@example.com', 'token');
    await jira.start();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as {
        search: (host: string) => Promise<number>;
        parse: (value: unknown) => unknown;
      };
      expect(await bundled.search(jira.url)).toBe(0);
      expect(() => bundled.parse({ thresholdDays: 0 })).toThrow(/thresholdDays/);
    } finally {
      await jira.stop();
    }
  }, 60_000);
});
