/**
 * npm run bench:watcher: the watcher's figure alone: re-measures `watcherRegions` into bench/results.json
 * and rewrites BENCHMARKS.md, the other figures as the last full run left them.
 */
import './env';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { account } from './inventory';
import { benchmarksMarkdown } from './report';
import { type BenchResults } from './figures';
import { benchWatcherRegions } from './watcher-regions';

const ROOT = path.join(__dirname, '..');

async function main() {
  const file = path.join(ROOT, 'bench', 'results.json');
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const updated = { ...results, watcherRegions: await benchWatcherRegions((size) => account(size, 0), log) };
  fs.writeFileSync(file, JSON.stringify(updated, null, 2) + '\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(updated));
}

void main();
