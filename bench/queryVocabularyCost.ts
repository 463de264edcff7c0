/**
 * What looking up a question's other spellings (queryTerms.ts, VOCABULARY) costs at the benchmark
 * corpus's size: the postings BM25 walks for the 194 evaluation questions with and without them, and
 * the lexical search time of both, alternated in one process. `node --import tsx bench/queryVocabularyCost.ts`
 * (indexes the whole benchmark corpus into a temporary folder first).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import { analyseQuery } from '../src/engine/retrieval/queryTerms';
import { loadQuestionSets } from '../eval/questionSets';
import { CORPUS_ROOT, ensureCorpus } from './corpus';

async function main(): Promise<void> {
  ensureCorpus();
  const questions = (await loadQuestionSets()).flatMap((set) => set.questions.map((q) => q.q));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-vocab-'));
  const index = await WorkspaceIndex.open({ root: CORPUS_ROOT, indexDir: dir, scan: { include: ['**'] } });
  try {
    const summary = await index.sync();
    let base = 0;
    let extra = 0;
    let withVariants = 0;
    for (const q of questions) {
      const { own, compounds, variants } = analyseQuery(q);
      const stats = await index.termStats(q);
      const df = (t: string) => stats.documentFrequencies[t] ?? 0;
      base += [...own, ...compounds].reduce((sum, t) => sum + df(t), 0);
      extra += variants.reduce((sum, t) => sum + df(t), 0);
      if (variants.length > 0) withVariants++;
    }
    console.log(`${summary.chunks} chunks; ${questions.length} questions, ${withVariants} with other spellings looked up`);
    console.log(`postings walked: ${base} without the other spellings, +${extra} with them (+${((100 * extra) / base).toFixed(1)}%)`);
    const rounds = 3;
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const started = performance.now();
      for (const q of questions) await index.search(q, { k: 20, mode: 'lexical' });
      times.push((performance.now() - started) / questions.length);
    }
    console.log(`lexical search, mean per question per round: ${times.map((t) => t.toFixed(2)).join(', ')} ms (load ${os.loadavg()[0].toFixed(1)})`);
  } finally {
    await index.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
