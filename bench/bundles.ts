import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/infra/janitor-function';
import { handlerEntry, LAMBDA_NAMES } from '../lib/infra/lambdas';
import type { BundleFigure } from './figures';

const ROOT = path.join(__dirname, '..');
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The yardstick of cold load (bench/reference/handler.ts), bundled as the functions are. */
const REFERENCE = 'reference';

export async function benchBundles() {
  const outdir = path.join(ROOT, 'bench', 'out');
  const figures: Record<string, BundleFigure> = {};
  const outfiles = new Map<string, string>();
  const entries: [string, string][] = [
    [REFERENCE, path.join(ROOT, 'bench', 'reference', 'handler.ts')],
    ...LAMBDA_NAMES.map((name): [string, string] => [name, handlerEntry(name)]),
  ];
  for (const [name, entry] of entries) {
    const outfile = path.join(outdir, name, 'index.js');
    const result = await build(esbuildOptions(entry, outfile));
    figures[name] = {
      bytes: Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0),
      coldLoadMs: 0,
      ratio: 0,
      ratioSpread: [0, 0],
    };
    outfiles.set(name, outfile);
  }
  // Nine rounds, each loading every bundle once: a slow spell on this shared 2-core machine then
  // touches every function a little rather than one function's whole sample.
  const loads = new Map<string, number[]>();
  for (let round = 0; round < 9; round++) {
    for (const [name, outfile] of outfiles) {
      const printed = execFileSync(
        process.execPath,
        [
          '-e',
          `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
        ],
        {
          env: { ...process.env, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      );
      loads.set(name, [...(loads.get(name) ?? []), Number(String(printed).trim())]);
    }
  }
  // Each round's ratio to the reference loaded in that same round: a slow spell slows both.
  const reference = loads.get(REFERENCE)!;
  for (const [name, figure] of Object.entries(figures)) {
    const ratios = loads.get(name)!.map((ms, round) => ms / reference[round]!);
    figure.coldLoadMs = median(loads.get(name)!);
    figure.ratio = median(ratios);
    figure.ratioSpread = [Math.min(...ratios), Math.max(...ratios)];
    log(
      `bundle ${name}: ${figure.bytes} bytes, cold load ${figure.coldLoadMs.toFixed(1)} ms, ${figure.ratio.toFixed(2)}× the reference (${figure.ratioSpread.map((ratio) => ratio.toFixed(2)).join('–')})`,
    );
  }
  return figures;
}
