/**
 * `npm run bench [-- --json] [-- --scale] [-- --before OTHER/dist/engine.js]`: every benchmark section, printed as tables (or one JSON document), and
 * saved to bench-results/latest.json. Builds first: the product is measured as it ships (dist/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runFreshnessBench } from './freshnessBench';
import { runIndexingBench } from './indexingBench';
import { runProgressiveBench } from './progressiveBench';
import { runProviderBench } from './providerBench';
import { runRetrievalBench } from './retrievalBench';
import { runScaleBench } from './scaleBench';
import { runSummaryBench } from './summaryBench';
import { runSurfacesBench } from './surfacesBench';
import type { BenchSection } from './types';

type Runner = () => Promise<BenchSection>;

const SECTIONS: Runner[] = [
  () => runIndexingBench(),
  () => runScaleBench(),
  () => runRetrievalBench(),
  () => runFreshnessBench(),
  () => runProviderBench(),
  () => runProgressiveBench(),
  () => runSurfacesBench(),
  () => runSummaryBench(),
];

function printTable(section: BenchSection): void {
  const rows = [section.columns, ...section.rows.map((row) => row.map(String))];
  const widths = section.columns.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => '| ' + row.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  console.log(`\n${section.title}\n`);
  console.log(line(rows[0]));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows.slice(1)) console.log(line(row));
  for (const note of section.notes ?? []) console.log(`\n${note}`);
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const results: BenchSection[] = [];
  for (const run of SECTIONS) results.push(await run());
  const document = { date: new Date().toISOString(), sections: results };
  const out = path.join(__dirname, '..', 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'latest.json'), JSON.stringify(document, null, 2));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  else for (const section of results) printTable(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
