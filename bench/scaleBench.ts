/**
 * How the index grows: index time, peak RSS, disk, cold open and retrieval latency at 10,000 and 50,000
 * chunks of the benchmark corpus, and 360,000 with `--scale` (copies of the corpus, hard-linked). Each
 * measurement in its own process on the built product. `--before path/to/engine.js` measures another
 * build (the main branch's, say) in the same run, size by size, for a before/after table. Draws the
 * growth as an SVG (bench-results/scale.svg). Run alone: `node --import tsx bench/scaleBench.ts [--scale]`
 * (`--sizes 10000,360000` picks sizes, `--before-sizes` those at which `--before` is measured,
 * `--memory-limit MB` the limit of the sizes beyond the corpus; by default the product's, as users run it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { CORPUS_DIR, CORPUS_ROOT, ensureCorpus } from './corpus';
import { QUERIES, chunksPerPackage, select } from './indexingBench';
import { scaleChart, type Series } from './scaleChart';
import type { ScenarioArgs } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const OURS_SCRIPT = path.join(CORPUS_DIR, 'oursScenarios.js');
/** Where copies of the corpus are hard-linked for sizes beyond it. */
const SCALE_ROOT = path.join(CORPUS_DIR, 'scale');

interface Measured {
  chunks: number;
  build: Record<string, number>;
  query: Record<string, number>;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function run(engine: string, name: string, args: ScenarioArgs): Record<string, number> {
  const output = execFileSync(process.execPath, [OURS_SCRIPT, name, JSON.stringify(args)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024, env: { ...process.env, RAG_ENGINE: engine },
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

/** A folder holding `copies` hard-linked copies of the corpus packages (`copy0/…`), for sizes beyond the corpus. */
function scaledRoot(copies: number): string {
  mkdirSync(SCALE_ROOT, { recursive: true });
  for (let i = 0; i < copies; i++) {
    const target = path.join(SCALE_ROOT, `copy${i}`);
    if (!existsSync(target)) execFileSync('cp', ['-al', CORPUS_ROOT, target]);
  }
  return SCALE_ROOT;
}

export async function runScaleBench(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BenchSection> {
  ensureCorpus();
  buildSync({ entryPoints: [path.join(__dirname, 'oursScenarios.ts')], outfile: OURS_SCRIPT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const after = path.resolve(flag('--after') ?? path.join(__dirname, '..', 'dist', 'engine.js'));
  const before = flag('--before');
  const builds: [string, string][] = before ? [['before', path.resolve(before)], ['after', after]] : [['ours', after]];
  const packages = await chunksPerPackage();
  const corpusChunks = packages.reduce((sum, p) => sum + p.chunks, 0);
  const sizes = (flag('--sizes') ?? (process.argv.includes('--scale') ? '10000,50000,360000' : '10000,50000')).split(',').map(Number);
  // The other build may be measured at some sizes only (`--before-sizes 10000,50000`): 360,000 chunks take it minutes.
  const beforeSizes = flag('--before-sizes')?.split(',').map(Number);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-scale-'));
  const results: Record<string, Measured[]> = Object.fromEntries(builds.map(([name]) => [name, []]));
  try {
    for (const size of sizes) {
      let args: ScenarioArgs;
      if (size <= corpusChunks) {
        const { include } = select(packages, size);
        args = { root: CORPUS_ROOT, include, dir: '', queries: QUERIES };
      } else {
        args = { root: scaledRoot(Math.round(size / corpusChunks)), include: ['**'], dir: '', queries: QUERIES, memoryLimitMb: flag('--memory-limit') ? Number(flag('--memory-limit')) : undefined };
      }
      for (const [name, engine] of builds) {
        if (name === 'before' && beforeSizes && !beforeSizes.includes(size)) continue;
        const dir = path.join(work, `${name}-${size}`);
        log(`scale ${size}: ${name}: building…`);
        const build = run(engine, 'oursBuild', { ...args, dir });
        log(`scale ${size}: ${name}: ${build.chunks} chunks in ${(build.ms / 1000).toFixed(1)} s; querying…`);
        const query = run(engine, 'oursQuery', { ...args, dir });
        log(`scale ${size}: ${name}: ${JSON.stringify({ build, query })}`);
        results[name].push({ chunks: build.chunks, build, query });
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const rows: (string | number)[][] = [];
  for (const [name] of builds) {
    for (const { chunks, build, query } of results[name]) {
      rows.push([name, chunks, (build.ms / 1000).toFixed(1), Math.round(chunks / (build.ms / 1000)), build.peakRssMb, Math.round(build.diskBytes / 2 ** 20),
        query.firstQueryMs, `${query.p50} / ${query.p95}`, query.peakRssMb]);
    }
  }
  const series: Series[] = builds.map(([name]) => ({ name, points: results[name] }));
  const out = path.join(__dirname, '..', 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'scale.svg'), scaleChart(series));
  return {
    title: 'Growth with the index size (ours)',
    columns: ['build', 'chunks', 'full index (s)', 'chunks/s', 'peak RSS indexing (MB)', 'disk (MB)', 'cold open + first answer (ms)', 'retrieval p50 / p95 (ms)', 'peak RSS answering (MB)'],
    rows,
    data: { sizes, corpusChunks, results },
    notes: ['chart: bench-results/scale.svg'],
  };
}

if (require.main === module) {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  runAlone(async () => {
    const section = await runScaleBench();
    writeFileSync(path.join(__dirname, '..', 'bench-results', 'scale.json'), JSON.stringify(section, null, 2));
    return section;
  });
}
