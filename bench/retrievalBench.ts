/**
 * Retrieval alone: the ranking of `WorkspaceIndex.search` (query embedding, BM25 with its reranking,
 * the vector scan, fusion, the returned chunks' texts) timed in-process over a built index's shards,
 * without the index thread's messaging. `--copies N` loads every shard N times, so 360,000 chunks are
 * measured from a 52,000-chunk index without building one (the copies hold the same chunks: a question's
 * candidates repeat N times, and search keeps one of each). `--before OTHER/dist/engine.js` measures that checkout's sources too
 * (OTHER/src), alternated with ours, each run in its own process.
 *
 * `node --import tsx bench/retrievalBench.ts [--index DIR] [--copies 1,7] [--before OTHER/dist/engine.js]`;
 * without `--index` it first builds the benchmark corpus's 50,000-chunk selection.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { CORPUS_DIR, CORPUS_ROOT, ensureCorpus } from './corpus';
import { QUERIES, chunksPerPackage, select } from './indexingBench';
import { percentile, round } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const ROUNDS = 3;
const MODES = ['fused', 'lexical', 'vector'] as const;

interface ChildResult {
  chunks: number;
  vectorBytesPerChunk: number;
  rssMb: number;
  latency: Record<(typeof MODES)[number], { p50: number; p95: number }>;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Measures one checkout's ranking (`root`/src) over `indexDir` loaded `copies` times. */
async function child(root: string, indexDir: string, copies: number): Promise<ChildResult> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Shard } = require(path.join(root, 'src/engine/store/shard'));
  const { shardDir } = require(path.join(root, 'src/engine/store/vectraShard'));
  const { rankShards, combineRankings, candidateOf, mergeAdjacent, CANDIDATES } = require(path.join(root, 'src/engine/retrieval/hybridSearch'));
  const { collectionStats } = require(path.join(root, 'src/engine/retrieval/bm25'));
  const { embedText } = require(path.join(root, 'src/engine/indexing/offlineEmbedder'));
  // Search drops copied passages since the branch `dedupe`; an older checkout has no such step.
  const dropCopiedHits: <T>(hits: T[]) => T[] = existsSync(path.join(root, 'src/engine/retrieval/copies.ts'))
    ? require(path.join(root, 'src/engine/retrieval/copies')).dropCopiedHits : (hits) => hits;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const manifest = JSON.parse(readFileSync(path.join(indexDir, 'manifest.json'), 'utf8'));
  const shards: { size: number; postings: unknown; vectors: { byteLength: number } }[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (let i = 0; i < manifest.shards; i++) {
      const { shard } = await Shard.load(shardDir(indexDir, i, manifest.shardGenerations[i]), manifest.dimensions, () => []);
      shards.push(shard);
    }
  }
  const postings = shards.map((s) => s.postings);
  const search = (question: string, mode: string) => {
    const vector = embedText(question);
    const rankings = rankShards(shards, { question, vector, stats: collectionStats(postings), limit: CANDIDATES, mode });
    return mergeAdjacent(dropCopiedHits(combineRankings(rankings, mode)).slice(0, 8).map(candidateOf));
  };
  (globalThis as { gc?: () => void }).gc?.(); // the load's garbage is not collected during the timed searches
  for (const mode of MODES) for (const q of QUERIES.slice(0, 5)) search(q, mode); // warm-up: JIT and caches
  const times = Object.fromEntries(MODES.map((mode) => [mode, [] as number[]]));
  for (let pass = 0; pass < 3; pass++) {
    for (const q of QUERIES) {
      for (const mode of MODES) {
        const started = performance.now();
        search(q, mode);
        times[mode].push(performance.now() - started);
      }
    }
  }
  const latency = Object.fromEntries(MODES.map((mode) => [mode, { p50: round(percentile(times[mode], 50)), p95: round(percentile(times[mode], 95)) }])) as ChildResult['latency'];
  const chunks = shards.reduce((sum, s) => sum + s.size, 0);
  const vectorBytes = shards.reduce((sum, s) => sum + s.vectors.byteLength, 0);
  return { chunks, vectorBytesPerChunk: Math.round(vectorBytes / chunks), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), latency };
}

function runChild(root: string, indexDir: string, copies: number): ChildResult {
  const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', JSON.stringify({ root, indexDir, copies })], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(__dirname, '..'),
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

/** The benchmark corpus's 50,000-chunk selection, indexed by the built product (dist/engine.js) into `dir`. */
async function buildIndex(dir: string): Promise<void> {
  ensureCorpus();
  const script = path.join(CORPUS_DIR, 'oursScenarios.js');
  buildSync({ entryPoints: [path.join(__dirname, 'oursScenarios.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const { include } = select(await chunksPerPackage(), 50_000);
  execFileSync(process.execPath, [script, 'oursBuild', JSON.stringify({ root: CORPUS_ROOT, include, dir, queries: QUERIES })], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RAG_ENGINE: path.join(__dirname, '..', 'dist', 'engine.js') },
  });
}

export async function runRetrievalBench(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BenchSection> {
  const ours = path.join(__dirname, '..');
  const before = flag('--before');
  const builds: [string, string][] = before ? [['before', path.resolve(before, '..', '..')], ['after', ours]] : [['ours', ours]];
  const copiesList = (flag('--copies') ?? '1,7').split(',').map(Number);
  let indexDir = flag('--index');
  let work: string | undefined;
  if (!indexDir) {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-retrieval-'));
    indexDir = path.join(work, 'index');
    log('retrieval: building the 50,000-chunk index…');
    await buildIndex(indexDir);
  }
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const copies of copiesList) {
      const runs: Record<string, ChildResult[]> = Object.fromEntries(builds.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, root] of builds) {
          const result = runChild(root, indexDir, copies);
          log(`retrieval ×${copies}: ${name}: ${JSON.stringify(result)}`);
          runs[name].push(result);
        }
      }
      data[`copies${copies}`] = runs;
      for (const [name] of builds) {
        const list = runs[name];
        const median = (pick: (r: ChildResult) => number) => round(percentile(list.map(pick), 50));
        rows.push([name, list[0].chunks, ...MODES.map((mode) => `${median((r) => r.latency[mode].p50)} / ${median((r) => r.latency[mode].p95)}`),
          list[0].vectorBytesPerChunk, median((r) => r.rssMb)]);
      }
    }
  } finally {
    if (work) await fs.rm(work, { recursive: true, force: true });
  }
  return {
    title: 'Retrieval alone, in-process (medians of 3 runs)',
    columns: ['build', 'chunks', 'fused p50 / p95 (ms)', 'lexical p50 / p95 (ms)', 'vector p50 / p95 (ms)', 'vector bytes per chunk', 'RSS (MB)'],
    rows,
    data,
    notes: ['Beyond 51,999 chunks the index\'s shards are loaded several times over (same chunks).'],
  };
}

if (require.main === module) {
  if (process.argv[2] === '--child') {
    const { root, indexDir, copies } = JSON.parse(process.argv[3]);
    child(root, indexDir, copies).then((result) => console.log(JSON.stringify(result)), (err) => {
      console.error(err);
      process.exitCode = 1;
    });
  } else {
    runAlone(() => runRetrievalBench());
  }
}
