/**
 * Indexing and retrieval at 10,000 and 50,000 chunks of a real corpus, against a naive Vectra baseline
 * (one LocalIndex, items inserted and saved as its documentation shows), each measurement in its own
 * process: ours in plain node on the built product, the baseline through tsx. Run alone: `node --import tsx bench/indexingBench.ts [--json]` (after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkFile } from '../src/engine/indexing/chunker';
import { classifyContent } from '../src/engine/indexing/fileContent';
import { redactSecrets } from '../src/engine/indexing/redact';
import { scanWorkspace } from '../src/engine/indexing/scanner';
import { build, buildSync } from 'esbuild';
import { CORPUS_DIR, CORPUS_ROOT, ensureCorpus } from './corpus';
import type { ScenarioArgs } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

/** Questions a developer might ask of this corpus; used for latency only. */
export const QUERIES = [
  'how do I debounce a function', 'retry an observable with a delay', 'parse a date from a string', 'format a date as ISO',
  'how does the WebGL renderer handle shadow maps', 'load a texture from an image', 'retry failed HTTP requests', 'set a request timeout',
  'encode a protobuf message', 'grpc channel credentials', 'select elements with a CSS selector', 'deep clone an object',
  'merge two objects', 'throttle events', 'combine latest values of two streams', 'switch to a new inner observable',
  'compute the difference between two dates', 'add days to a date', 'perspective camera field of view', 'matrix inverse',
  'stream a chat completion', 'count tokens of a chat conversation', 'abort a fetch request', 'parse server-sent events',
  'http keep alive agent', 'read a file as a stream', 'load a .proto schema', 'unary call deadline', 'html parser options', 'memoize a function',
];

const TARGETS = [10_000, 50_000];

interface PackageChunks { name: string; chunks: number; files: string[] }

/** Exact chunk counts per top-level package (chunking only), to select subsets of the wanted size. */
export async function chunksPerPackage(): Promise<PackageChunks[]> {
  const scan = await scanWorkspace(CORPUS_ROOT);
  const byPackage = new Map<string, PackageChunks>();
  for (const file of scan.files) {
    const parts = file.path.split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    const verdict = classifyContent(await fs.readFile(file.absPath));
    const chunks = verdict.kind === 'text' ? chunkFile(file.path, verdict.text).length : 0;
    const entry = byPackage.get(name) ?? { name, chunks: 0, files: [] };
    entry.chunks += chunks;
    if (chunks >= 3 && chunks <= 8 && /\.(ts|js)$/.test(file.path)) entry.files.push(file.path);
    byPackage.set(name, entry);
  }
  return [...byPackage.values()];
}

/** Packages (largest first, then filling) whose chunks add up to about `target`. */
export function select(packages: PackageChunks[], target: number): { include: string[]; chunks: number; file: string } {
  const chosen: PackageChunks[] = [];
  let total = 0;
  for (const pkg of [...packages].sort((a, b) => b.chunks - a.chunks)) {
    if (total + pkg.chunks > target * 1.04) continue;
    chosen.push(pkg);
    total += pkg.chunks;
  }
  const file = chosen.flatMap((p) => p.files).sort()[0];
  return { include: chosen.map((p) => `${p.name}/**`), chunks: total, file };
}

/** Our scenarios, bundled to plain JavaScript so their processes carry no TypeScript loader: the memory measured is the product's. */
const OURS_SCRIPT = path.join(CORPUS_DIR, 'oursScenarios.js');
/**
 * The index thread built twice for the redaction measurement, the same way but for redaction: with it, and with
 * `redactSecrets` replaced by one that returns the text unchanged.
 */
const REDACTION_WORKERS = { with: path.join(CORPUS_DIR, 'indexWorkerRedaction.js'), without: path.join(CORPUS_DIR, 'indexWorkerNoRedaction.js') };

function buildOursScript(): void {
  buildSync({ entryPoints: [path.join(__dirname, 'oursScenarios.ts')], outfile: OURS_SCRIPT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
}

async function buildRedactionWorkers(): Promise<void> {
  const [worker, redact] = ['../src/engine/indexing/worker/indexWorker.ts', '../src/engine/indexing/redact.ts'].map((p) => path.join(__dirname, p));
  for (const [variant, outfile] of Object.entries(REDACTION_WORKERS)) {
    await build({
      entryPoints: [worker], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
      external: ['@huggingface/transformers'], // as in esbuild.mjs: vectra's optional local-model loader is never used
      plugins: variant === 'with' ? [] : [{
        name: 'no-redaction',
        setup(b) {
          b.onLoad({ filter: /redact\.ts$/ }, (args) => (args.path === redact
            ? { contents: 'export function redactSecrets(_path: string, text: string) { return { text, count: 0 }; }', loader: 'ts' } : undefined));
        },
      }],
    });
  }
  // Vectra's protobuf codec reads its schema from beside the bundle, as in dist/.
  mkdirSync(path.join(CORPUS_DIR, 'schemas'), { recursive: true });
  copyFileSync(path.join(path.dirname(require.resolve('vectra')), 'codecs/schemas/index.proto'), path.join(CORPUS_DIR, 'schemas/index.proto'));
}

/** `redactSecrets` alone over the selected files' text, the faster of two passes: the cost without the noise of a whole build. */
async function redactionAlone(include: string[]): Promise<number> {
  const scan = await scanWorkspace(CORPUS_ROOT, { include });
  const texts: [string, string][] = [];
  for (const file of scan.files) {
    const verdict = classifyContent(await fs.readFile(file.absPath));
    if (verdict.kind === 'text') texts.push([file.path, verdict.text]);
  }
  let best = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    const started = performance.now();
    for (const [p, text] of texts) redactSecrets(p, text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function run(name: string, args: ScenarioArgs): Record<string, number> {
  const ours = name.startsWith('ours');
  const command = ours ? [OURS_SCRIPT, name, JSON.stringify(args)] : ['--import', 'tsx', path.join(__dirname, 'baselineScenarios.ts'), name, JSON.stringify(args)];
  const output = execFileSync(process.execPath, command, {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, RAG_ENGINE: path.join(__dirname, '..', 'dist', 'engine.js') },
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

const ratio = (baseline: number, ours: number) => `${(baseline / ours).toFixed(1)}×`;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export async function runIndexingBench(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BenchSection> {
  ensureCorpus();
  buildOursScript();
  await buildRedactionWorkers();
  log('Counting chunks per corpus package…');
  const packages = await chunksPerPackage();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-bench-'));
  const data: Record<string, unknown> = { corpusFiles: (await scanWorkspace(CORPUS_ROOT)).files.length, cpus: os.cpus().length, node: process.version };
  const rows: (string | number)[][] = [];
  try {
    for (const target of TARGETS) {
      const { include, chunks, file } = select(packages, target);
      const args = (dir: string): ScenarioArgs => ({ root: CORPUS_ROOT, include, dir, queries: QUERIES, file });
      const ours = path.join(work, `ours-${target}`);
      const naive = path.join(work, `vectra-${target}`);
      log(`${target}: ${include.length} packages, ${chunks} chunks — building ours…`);
      const build = run('oursBuild', args(ours));
      log(`${target}: querying ours…`);
      const query = run('oursQuery', args(ours));
      log(`${target}: building the Vectra baseline…`);
      const baseBuild = run('baselineBuild', args(naive));
      log(`${target}: querying the Vectra baseline…`);
      const baseQuery = run('baselineQuery', args(naive));
      let update: Record<string, number> | undefined;
      let baseUpdate: Record<string, number> | undefined;
      let redaction: { without: Record<string, number>; with: Record<string, number>; inProcessMs: number } | undefined;
      if (target === 50_000) {
        log(`${target}: one-file updates (${file})…`);
        update = run('oursUpdate', args(ours));
        baseUpdate = run('baselineUpdate', args(naive));
        // Alternated twice and the faster of each kept: on a shared machine one pair moves by more than the cost measured.
        log(`${target}: full index without and with secret redaction, twice…`);
        const builds = { without: [] as Record<string, number>[], with: [] as Record<string, number>[] };
        for (let i = 0; i < 2; i++) {
          for (const variant of ['without', 'with'] as const) {
            builds[variant].push(run('oursBuild', { ...args(path.join(work, `redaction-${variant}`)), workerScript: REDACTION_WORKERS[variant] }));
          }
        }
        const fastest = (list: Record<string, number>[]) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
        redaction = { without: fastest(builds.without), with: fastest(builds.with), inProcessMs: await redactionAlone(include) };
      }
      data[`chunks${target}`] = { selected: include, file, ours: { build, query, update, redaction }, vectra: { build: baseBuild, query: baseQuery, update: baseUpdate } };
      const n = build.chunks;
      rows.push(
        [`full index, ${n} chunks (s)`, (build.ms / 1000).toFixed(1), (baseBuild.ms / 1000).toFixed(1), ratio(baseBuild.ms, build.ms)],
        [`  throughput (files/s · chunks/s)`, `${Math.round(build.files / (build.ms / 1000))} · ${Math.round(n / (build.ms / 1000))}`,
          `— · ${Math.round(baseBuild.chunks / (baseBuild.ms / 1000))}`, ''],
        [`retrieval p50 / p95, ${n} chunks (ms; ours fused, Vectra vector only)`, `${query.p50} / ${query.p95}`, `${baseQuery.p50} / ${baseQuery.p95}`, ratio(baseQuery.p50, query.p50)],
        [`cold open + first answer, ${n} chunks (ms)`, query.firstQueryMs, baseQuery.firstQueryMs, ratio(baseQuery.firstQueryMs, query.firstQueryMs)],
        [`peak RSS while indexing, ${n} chunks (MB)`, build.peakRssMb, baseBuild.peakRssMb, ratio(baseBuild.peakRssMb, build.peakRssMb)],
        [`index size on disk, ${n} chunks (MB)`, mb(build.diskBytes), mb(baseBuild.diskBytes), ratio(baseBuild.diskBytes, build.diskBytes)],
      );
      if (update && baseUpdate) {
        rows.push([`one-file update persisted, ${update.chunks} chunks (ms, median / p95)`, `${update.median} / ${update.p95}`, `${baseUpdate.median} / ${baseUpdate.p95}`, ratio(baseUpdate.median, update.median)]);
      }
      if (redaction) {
        const cost = (redaction.with.ms / redaction.without.ms - 1) * 100;
        rows.push([`full index without / with secret redaction, ${n} chunks (s, faster of 2; ${redaction.with.redacted} values redacted)`,
          `${(redaction.without.ms / 1000).toFixed(1)} / ${(redaction.with.ms / 1000).toFixed(1)} (${cost >= 0 ? '+' : ''}${cost.toFixed(1)}%)`, '', '']);
        rows.push([`  redaction alone on the same files, in-process (ms)`, `${Math.round(redaction.inProcessMs)} (${(redaction.inProcessMs / redaction.without.ms * 100).toFixed(1)}% of the index)`, '', '']);
      }
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const fifty = data.chunks50000 as {
    ours: { build: Record<string, number>; query: Record<string, number>; update: Record<string, number>; redaction: { with: Record<string, number>; without: Record<string, number>; inProcessMs: number } };
  };
  const notes = [
    `targets at 50,000 chunks: index < 60 s (${(fifty.ours.build.ms / 1000).toFixed(1)} s), update < 300 ms (${fifty.ours.update.median} ms), `
      + `retrieval p50 < 30 ms (${fifty.ours.query.p50} ms), RSS < 500 MB (${fifty.ours.build.peakRssMb} MB), `
      + `secret redaction < 10% of indexing (${((fifty.ours.redaction.with.ms / fifty.ours.redaction.without.ms - 1) * 100).toFixed(1)}% end to end, `
      + `${(fifty.ours.redaction.inProcessMs / fifty.ours.redaction.without.ms * 100).toFixed(1)}% measured alone)`,
    `corpus: ${data.corpusFiles} files of pinned npm packages in bench/.corpus; ${data.cpus} CPUs; Node ${data.node}; offline embedder`,
  ];
  return { title: 'Indexing and retrieval (ours vs naive Vectra)', columns: ['measure', 'ours', 'naive Vectra', 'ratio'], rows, data, notes };
}

if (require.main === module) runAlone(() => runIndexingBench());
