/**
 * Live ingestion at 50,000 chunks: the time from saving a file to finding it in a search (the folder
 * watcher's debounce included), and what reporting each file's stages costs a full index. The selected
 * corpus packages are copied into a folder of their own (the corpus lives under node_modules/, which the
 * watcher never watches). Run alone: `node --import tsx bench/freshnessBench.ts` (after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { SAVE_DEBOUNCE_MS } from '../src/engine/session/fileChanges';
import { CORPUS_DIR, CORPUS_ROOT, ensureCorpus } from './corpus';
import { chunksPerPackage, select } from './indexingBench';
import type { ScenarioArgs } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const TARGET = 50_000;
/** The cost of the file events is measured on a smaller index: four full builds at 50,000 chunks take minutes. */
const EVENTS_TARGET = 10_000;
const SCRIPT = path.join(CORPUS_DIR, 'freshnessScenarios.js');
const WORKER = path.join(__dirname, '..', 'dist', 'indexWorker.js');

function run(name: string, args: ScenarioArgs): Record<string, number> {
  const output = execFileSync(process.execPath, [SCRIPT, name, JSON.stringify(args)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

export async function runFreshnessBench(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BenchSection> {
  ensureCorpus();
  buildSync({ entryPoints: [path.join(__dirname, 'freshnessScenarios.ts')], outfile: SCRIPT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', external: ['vscode', '@huggingface/transformers'] });
  const packages = await chunksPerPackage();
  const { include, file } = select(packages, TARGET);
  const small = select(packages, EVENTS_TARGET);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-fresh-'));
  const root = path.join(work, 'workspace');
  try {
    log(`freshness: copying ${include.length} packages…`);
    for (const glob of include) {
      const name = glob.slice(0, -'/**'.length);
      await fs.cp(path.join(CORPUS_ROOT, name), path.join(root, name), { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
    }
    // Alternated twice and the faster of each kept: on a shared machine one pair moves by more than the cost measured.
    const builds = { off: [] as Record<string, number>[], on: [] as Record<string, number>[] };
    for (let i = 0; i < 2; i++) {
      for (const variant of ['off', 'on'] as const) {
        log(`freshness: full index at ${EVENTS_TARGET} chunks, file events ${variant} (${i + 1}/2)…`);
        builds[variant].push(run('eventsBuild', { root: CORPUS_ROOT, include: small.include, dir: path.join(work, `events-${variant}`), workerScript: WORKER, events: variant === 'on' }));
      }
    }
    const fastest = (list: Record<string, number>[]) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
    const [off, on] = [fastest(builds.off), fastest(builds.on)];
    log(`freshness: indexing ${TARGET} chunks, then saving files and searching for them…`);
    const fresh = run('saveToSearchable', { root, include: [], dir: path.join(work, 'index'), workerScript: WORKER, file });
    const cost = (on.ms / off.ms - 1) * 100;
    const rows: (string | number)[][] = [
      [`save → searchable, ${fresh.chunks} chunks (ms, p50 / p95 of ${fresh.saves}; watcher debounce ${SAVE_DEBOUNCE_MS} ms included)`, `${fresh.p50} / ${fresh.p95}`],
      ['  save → reading the file began (watcher: its event and debounce; ms, p50)', fresh.readStartedP50],
      ['  save → file stored (ms, p50)', fresh.storedP50],
      [`full index without / with file events, ${on.chunks} chunks (s, faster of 2; ${on.events} events)`,
        `${(off.ms / 1000).toFixed(1)} / ${(on.ms / 1000).toFixed(1)} (${cost >= 0 ? '+' : ''}${cost.toFixed(1)}%)`],
    ];
    return {
      title: 'Live ingestion (save → searchable)',
      columns: ['measure', 'ours'],
      rows,
      data: { include, file, builds, fresh },
      notes: [`target: save → searchable p50 < 300 ms at 50,000 chunks (${fresh.p50} ms); file events cost ${cost.toFixed(1)}% of a full index`],
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone(() => runFreshnessBench());
