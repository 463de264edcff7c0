import type { BenchSection } from './types';

/** A benchmark run on its own (`node --import tsx bench/xBench.ts [--json]`): its section as lines, or as JSON. */
export function runAlone(run: () => Promise<BenchSection>): void {
  run().then((section) => {
    if (process.argv.includes('--json')) {
      process.stdout.write(JSON.stringify(section, null, 2) + '\n');
      return;
    }
    console.log(section.title);
    for (const row of [section.columns, ...section.rows]) console.log(row.map(String).join(' | '));
    for (const note of section.notes ?? []) console.log(note);
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
