/**
 * The naive Vectra baseline: one LocalIndex, items inserted and saved as its documentation shows, fed the
 * same chunks and vectors as ours. `node --import tsx bench/baselineScenarios.ts NAME JSON`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LocalIndex } from 'vectra';
import { chunkFile, embeddingText } from '../src/engine/indexing/chunker';
import { classifyContent } from '../src/engine/indexing/fileContent';
import { embedText } from '../src/engine/indexing/offlineEmbedder';
import { scanWorkspace } from '../src/engine/indexing/scanner';
import { dirSize, editOnce, peakRssMb, percentile, round, runScenarioFromArgv, timeQueries } from './scenarioTools';

type Item = { vector: number[]; metadata: { path: string; startLine: number; endLine: number; text: string } };

async function chunksOf(root: string, file: string): Promise<Item[]> {
  const verdict = classifyContent(await fs.readFile(path.join(root, file)));
  if (verdict.kind !== 'text') return [];
  return chunkFile(file, verdict.text).map((chunk) => ({
    vector: Array.from(embedText(embeddingText(chunk))),
    metadata: { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, text: chunk.text },
  }));
}

async function chunksWithVectors(root: string, include: string[]): Promise<Item[]> {
  const scan = await scanWorkspace(root, { include });
  const items: Item[] = [];
  for (const file of scan.files) items.push(...await chunksOf(root, file.path));
  return items;
}

runScenarioFromArgv({
  async baselineBuild({ root, include, dir }) {
    await fs.rm(dir, { recursive: true, force: true });
    const started = performance.now();
    const items = await chunksWithVectors(root, include);
    const index = new LocalIndex(dir);
    await index.createIndex({ version: 1 });
    await index.beginUpdate();
    for (const item of items) await index.insertItem(item);
    await index.endUpdate();
    const ms = performance.now() - started;
    return { ms: Math.round(ms), chunks: items.length, peakRssMb: peakRssMb(), diskBytes: await dirSize(dir) };
  },

  async baselineQuery({ dir, queries }) {
    const started = performance.now();
    const index = new LocalIndex(dir);
    const vectorOf = (q: string) => Array.from(embedText(q));
    // Vectra's hybrid (BM25) mode reads LocalDocumentIndex documents; a LocalIndex of items answers by vector only.
    await index.queryItems(vectorOf(queries![0]), queries![0], 8);
    const firstQueryMs = performance.now() - started;
    const latency = await timeQueries((q) => index.queryItems(vectorOf(q), q, 8), queries!);
    return { firstQueryMs: Math.round(firstQueryMs), ...latency, peakRssMb: peakRssMb() };
  },

  async baselineUpdate({ root, dir, file }) {
    const index = new LocalIndex(dir);
    const absolute = path.join(root, file!);
    const original = await fs.readFile(absolute, 'utf8');
    const times: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        await editOnce(absolute, original, i);
        const started = performance.now();
        const items = await chunksOf(root, file!);
        await index.beginUpdate();
        const stale = (await index.listItemsByMetadata({ path: { $eq: file! } })).map((item) => item.id);
        await index.deleteItems(stale);
        for (const item of items) await index.insertItem(item);
        await index.endUpdate();
        times.push(performance.now() - started);
      }
    } finally {
      await fs.writeFile(absolute, original);
    }
    return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), peakRssMb: peakRssMb() };
  },
});
