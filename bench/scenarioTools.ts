/** Shared by the benchmark's measurement processes: arguments, timing and memory helpers. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface ScenarioArgs {
  root: string;
  include: string[];
  dir: string;
  queries?: string[];
  file?: string;
  /** Another build of the index thread (the benchmark's variant without secret redaction). */
  workerScript?: string;
  /** Whether a build listens to the file events. */
  events?: boolean;
  /** The index thread's --memory-limit (MB); the product's default when absent. */
  memoryLimitMb?: number;
}

export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))).size;
  }
  return total;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number) => Math.round(n * 10) / 10;

export async function timeQueries(search: (q: string) => Promise<unknown>, queries: string[]): Promise<{ p50: number; p95: number }> {
  for (const q of queries.slice(0, 5)) await search(q); // warm-up: JIT and caches
  const times: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const q of queries) {
      const started = performance.now();
      await search(q);
      times.push(performance.now() - started);
    }
  }
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
}

/** The same one-line edit each time, so every update re-embeds the file. */
export async function editOnce(file: string, original: string, i: number): Promise<void> {
  await fs.writeFile(file, `${original}\n// benchmark edit ${i}\n`);
}


/** Runs `scenarios[argv[2]]` with the JSON arguments in argv[3], printing its result as one JSON line. */
export function runScenarioFromArgv(scenarios: Record<string, (args: ScenarioArgs) => Promise<Record<string, unknown>>>): void {
  const [name, json] = process.argv.slice(2);
  scenarios[name](JSON.parse(json)).then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (err) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
