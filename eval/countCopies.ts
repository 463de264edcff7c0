/**
 * How often the final ranking repeats a passage: for every question of every set, in the fused top 20
 * chunks, how many have the same text (content hash) as a better-ranked chunk, and how many of those lie in
 * another file, and how many sources `search` returns with the text of a better one. `node --import tsx eval/countCopies.ts [PACKAGE…]`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import { collectionStats } from '../src/engine/retrieval/bm25';
import { combineRankings, rankShards } from '../src/engine/retrieval/hybridSearch';
import type { StoredIndex } from '../src/engine/store/storedIndex';
import { ensureCorpus, packageRoot } from './corpus';
import { TOP_SOURCES } from './metrics';
import { loadQuestionSets, pinnedVersions } from './questionSets';

async function main(): Promise<void> {
  ensureCorpus(await pinnedVersions());
  console.log('package\tquestions\tchunks in top 20\tcopies\tcopies in another file\tquestions with a copy\tnear-copies (other hash; same words, or 80% of lines shared)\tcopies left in the sources of search\tdifferent texts, files in the first 8 sources (means)\t\tcopied file pairs');
  for (const set of await loadQuestionSets(process.argv.slice(2))) {
    const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-copies-'));
    const index = await WorkspaceIndex.open({ root: packageRoot(set.package), indexDir, scan: { include: set.include } });
    try {
      await index.sync();
      const stored = (index as unknown as { stored: StoredIndex }).stored;
      const stats = collectionStats(stored.postings);
      let left = 0; let files = 0; let passages = 0;
      let total = 0; let copies = 0; let otherFile = 0; let questions = 0; let near = 0;
      const pairs = new Map<string, number>();
      for (const { q } of set.questions) {
        const vector = await (index as unknown as { queryVector(q: string, o: object): Promise<Float32Array | undefined> }).queryVector(q, {});
        const top = combineRankings(rankShards(stored.shards, { question: q, vector, stats, limit: 50 }), 'fused').slice(0, TOP_SOURCES);
        const seen = new Map<string, string>();
        const seenWords = new Set<string>();
        const seenLines: Set<string>[] = [];
        let any = false;
        for (const hit of top) {
          total++;
          const first = seen.get(hit.record.hash);
          const text = hit.shard.textOf(hit.doc);
          const words = text.toLowerCase().split(/\s+/).join(' ');
          const lines = new Set(text.split('\n').map((l) => l.trim()).filter(Boolean));
          if (first !== undefined) {
            copies++; any = true;
            if (first !== hit.record.path) {
              otherFile++;
              const pair = `${first} = ${hit.record.path}`;
              pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
            }
          } else {
            seen.set(hit.record.hash, hit.record.path);
            if (seenWords.has(words) || seenLines.some((other) => jaccard(lines, other) >= 0.8)) near++;
          }
          seenWords.add(words);
          seenLines.push(lines);
        }
        if (any) questions++;
        // What a user sees: the sources `search` returns (copies dropped, adjacent chunks merged).
        const sources = await index.search(q, { k: TOP_SOURCES });
        const texts = sources.map((source) => source.text);
        left += texts.filter((text, i) => texts.indexOf(text) < i).length;
        files += new Set(sources.slice(0, 8).map((source) => source.path)).size;
        passages += new Set(texts.slice(0, 8)).size;
      }
      const topPairs = [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([p, n]) => `${p} (${n})`).join('; ');
      console.log([set.package, set.questions.length, total, copies, otherFile, questions, near, left, (passages / set.questions.length).toFixed(2), (files / set.questions.length).toFixed(2), topPairs].join('\t'));
    } finally {
      await index.close();
      await fs.rm(indexDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared || 1);
}
