/**
 * Our measurements, of the product as built (dist/engine.js: the index on its worker thread). This file
 * is bundled and run with plain node, no TypeScript loader, so the process's memory is the product's:
 * `RAG_ENGINE=dist/engine.js node oursScenarios.js NAME JSON`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexClient as IndexClientType } from '../src/engine/indexing/worker/indexClient';
import { dirSize, editOnce, peakRssMb, percentile, round, runScenarioFromArgv, timeQueries } from './scenarioTools';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { IndexClient } = require(process.env.RAG_ENGINE!) as { IndexClient: typeof IndexClientType };

runScenarioFromArgv({
  async oursBuild({ root, include, dir, workerScript, memoryLimitMb }) {
    await fs.rm(dir, { recursive: true, force: true });
    const started = performance.now();
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include }, workerScript, memoryLimitMb });
    const summary = await index.sync();
    const ms = performance.now() - started;
    await index.close();
    return { ms: Math.round(ms), files: summary.files, chunks: summary.chunks, redacted: summary.redacted, peakRssMb: peakRssMb(), diskBytes: await dirSize(dir) };
  },

  async oursQuery({ root, include, dir, queries, memoryLimitMb }) {
    const started = performance.now();
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include }, memoryLimitMb });
    const openMs = performance.now() - started;
    await index.search(queries![0], { k: 8 });
    const firstQueryMs = performance.now() - started;
    const latency = await timeQueries((q) => index.search(q, { k: 8 }), queries!);
    const chunks = index.state.chunks;
    await index.close();
    return { openMs: Math.round(openMs), firstQueryMs: Math.round(firstQueryMs), ...latency, chunks, peakRssMb: peakRssMb() };
  },

  async oursUpdate({ root, include, dir, file }) {
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include } });
    const absolute = path.join(root, file!);
    const original = await fs.readFile(absolute, 'utf8');
    const times: number[] = [];
    try {
      for (let i = 0; i < 15; i++) {
        await editOnce(absolute, original, i);
        const started = performance.now();
        const summary = await index.updateFiles([file!], []);
        times.push(performance.now() - started);
        if (summary.indexedFiles !== 1) throw new Error(`expected one re-indexed file, got ${summary.indexedFiles}`);
      }
    } finally {
      await fs.writeFile(absolute, original);
      await index.updateFiles([file!], []);
    }
    const chunks = index.state.chunks;
    await index.close();
    return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), chunks, peakRssMb: peakRssMb() };
  },
});
