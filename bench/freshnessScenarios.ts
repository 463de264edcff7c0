/**
 * Freshness measurements on the product's own code, bundled and run with plain node (like oursScenarios.ts):
 * `node freshnessScenarios.js NAME JSON`. The index thread is dist/indexWorker.js.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { watchFolders } from '../src/cli/folderWatcher';
import { IndexClient } from '../src/engine/indexing/worker/indexClient';
import { AnswerSession } from '../src/engine/session/answerSession';
import { threadIndexes } from '../src/engine/session/folderIndexes';
import { peakRssMb, percentile, round, runScenarioFromArgv } from './scenarioTools';

const SAVES = 20;

runScenarioFromArgv({
  /** A full index, with or without a listener for the file events (they cross the thread only when asked for). */
  async eventsBuild({ root, include, dir, workerScript, events }) {
    await fs.rm(dir, { recursive: true, force: true });
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include }, workerScript });
    let received = 0;
    const started = performance.now();
    const summary = await index.sync(events ? { onFile: () => { received++; } } : {});
    const ms = performance.now() - started;
    await index.close();
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
    const [summary] = await session.reindex();
    const buildMs = performance.now() - building;
    const watcher = watchFolders(session, [root], { indexDirs: [dir], onError: (m) => process.stderr.write(m + '\n') });
    await watcher.ready;
    const stored = new Map<string, number>();
    session.onFileEvent((e) => { if (e.type === 'file_stage' && e.stage === 'stored') stored.set(e.path, performance.now()); });
    const edited = path.join(root, file!);
    const original = await fs.readFile(edited, 'utf8');
    const times: number[] = [];
    const storedAfter: number[] = [];
    const searches: number[] = [];
    try {
      for (let i = 0; i < SAVES; i++) {
        const word = `freshness${i}x${Math.random().toString(36).slice(2, 8)}`;
        const target = i % 2 === 0 ? path.join(root, 'bench-fresh', `note${i}.ts`) : edited;
        const rel = path.relative(root, target).split(path.sep).join('/');
        const text = target === edited ? `${original}\n// ${word}\n` : `export const ${word} = ${i}; // saved by the benchmark\n`;
        await fs.mkdir(path.dirname(target), { recursive: true });
        stored.delete(rel);
        const started = performance.now();
        await fs.writeFile(target, text);
        let n = 0;
        for (;;) {
          n++;
          const [best] = await session.search(word, { k: 1 });
          if (best?.path === rel) break;
          if (performance.now() - started > 10_000) throw new Error(`${rel} was not searchable after 10 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        times.push(performance.now() - started);
        storedAfter.push((stored.get(rel) ?? NaN) - started);
        searches.push(n);
        await new Promise((r) => setTimeout(r, 300)); // saves a person makes are apart
      }
    } finally {
      await fs.writeFile(edited, original);
      await watcher.close();
      await session.close();
    }
    return {
      chunks: summary.chunks, buildMs: Math.round(buildMs), saves: SAVES, p50: round(percentile(times, 50)), p95: round(percentile(times, 95)),
      storedP50: round(percentile(storedAfter, 50)), searchesP50: percentile(searches, 50), peakRssMb: peakRssMb(),
    };
  },
});
