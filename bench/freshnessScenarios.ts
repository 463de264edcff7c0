/**
 * Freshness measurements on the product's own code, bundled and run with plain node (like oursScenarios.ts):
 * `node freshnessScenarios.js NAME JSON`. The index thread is dist/indexWorker.js.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { watchFolders } from '../src/cli/folderWatcher';
import { IndexClient } from '../src/engine/indexing/worker/indexClient';
import type { IndexSummary } from '../src/protocol/indexing';
import { AnswerSession } from '../src/engine/session/answerSession';
import { threadIndexes } from '../src/engine/session/folderIndexes';
import { peakRssMb, percentile, round, runScenarioFromArgv } from './scenarioTools';

const SAVES = 20;

/** Letters only: the word must stay one search term (digits would split it into parts other files share). */
function uniqueWord(): string {
  return 'fresh' + Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}

runScenarioFromArgv({
  /** A full index, with or without a listener for the file events (they cross the thread only when asked for). */
  async eventsBuild({ root, include, dir, workerScript, events }) {
    await fs.rm(dir, { recursive: true, force: true });
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include }, workerScript });
    let received = 0;
    const started = performance.now();
    let summary: IndexSummary;
    let ms: number;
    try {
      summary = await index.sync(events ? { onFile: () => { received++; } } : {});
      ms = performance.now() - started;
    } finally {
      await index.close(); // on failure too: the index thread would keep this process, and the benchmark waiting on it, alive
    }
    return { ms: Math.round(ms), chunks: summary.chunks, files: summary.files, events: received, peakRssMb: peakRssMb() };
  },

  /**
   * Saves a file with a word found nowhere else, alternately a new file and an edit of an existing one, and
   * times each from the write to the first search that finds it. The folder is watched by the MCP and HTTP
   * servers' watcher (src/cli/folderWatcher.ts), debounce included; searches go through the answer session.
   */
  async saveToSearchable({ root, dir, workerScript, file }) {
    const session = new AnswerSession({
      folders: [{ name: path.basename(root), root, indexDir: dir }],
      providers: { choice: 'offline' },
      openIndex: threadIndexes(workerScript),
    });
    const building = performance.now();
    const [summary] = await session.reindex().catch(async (err) => {
      await session.close();
      throw err;
    });
    const buildMs = performance.now() - building;
    await fs.mkdir(path.join(root, 'bench-fresh'), { recursive: true }); // new files go here: the folder is watched from the start
    const watcher = watchFolders(session, [root], { indexDirs: [dir], onError: (m) => process.stderr.write(m + '\n') });
    await watcher.ready;
    const waiting = new Map<string, (at: { arrived: number; ms: number }) => void>();
    session.onFileEvent((e) => {
      if (e.type === 'file_stage' && e.stage === 'stored') waiting.get(e.path)?.({ arrived: performance.now(), ms: e.ms });
    });
    const edited = path.join(root, file!);
    const original = await fs.readFile(edited, 'utf8');
    const found: number[] = [];
    const readStarted: number[] = [];
    const storedAt: number[] = [];
    try {
      for (let i = 0; i < SAVES; i++) {
        const word = uniqueWord();
        const target = i % 2 === 0 ? path.join(root, 'bench-fresh', `note${i}.ts`) : edited;
        const rel = path.relative(root, target).split(path.sep).join('/');
        const text = target === edited ? `${original}\n// ${word}\n` : `export const ${word} = ${i}; // saved by the benchmark\n`;
        const stored = new Promise<{ arrived: number; ms: number }>((resolve) => waiting.set(rel, resolve));
        const started = performance.now();
        await fs.writeFile(target, text);
        // Searched for once the file's stored event came (searching all along would compete with the update on the
        // index thread), then again every 5 ms until the search finds it.
        let timer: number | NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, 10_000); });
        const done = await Promise.race([stored, timeout]);
        clearTimeout(timer as NodeJS.Timeout);
        if (!done) throw new Error(`${rel} was not stored within 10 s of its save`);
        waiting.delete(rel);
        for (;;) {
          const [best] = await session.search(word, { k: 1 });
          if (best?.path === rel) break;
          if (performance.now() - started > 10_000) throw new Error(`${rel} was stored but not found within 10 s (found ${best?.path})`);
          await new Promise((r) => setTimeout(r, 5));
        }
        found.push(performance.now() - started);
        storedAt.push(done.arrived - started);
        readStarted.push(done.arrived - done.ms - started);
        await new Promise((r) => setTimeout(r, 300)); // saves a person makes are apart
      }
    } finally {
      await fs.writeFile(edited, original);
      await watcher.close();
      await session.close();
    }
    const p = (values: number[], q: number) => round(percentile(values, q));
    return {
      chunks: summary.chunks, buildMs: Math.round(buildMs), saves: SAVES, p50: p(found, 50), p95: p(found, 95),
      readStartedP50: p(readStarted, 50), storedP50: p(storedAt, 50), peakRssMb: peakRssMb(),
    };
  },
});
