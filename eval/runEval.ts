/**
 * Retrieval quality on a real package: indexes its docs and code with the offline embedder, asks the
 * questions, and reports hit@1, hit@5 and MRR for lexical only, vectors only and fused rankings.
 * `npm run eval [-- --json]`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import type { RankingMode } from '../src/protocol/indexing';

interface QuestionSet {
  package: string;
  include: string[];
  questions: { q: string; answers: string[] }[];
}

const MODES: RankingMode[] = ['lexical', 'vector', 'fused'];

export type ModeResults = Record<RankingMode, { hit1: number; hit5: number; mrr: number; perQuestion: number[] }>;

/** Every question set in this folder: `*Questions.json`. */
export async function runEval(): Promise<Record<string, ModeResults>> {
  const results: Record<string, ModeResults> = {};
  for (const file of (await fs.readdir(__dirname)).filter((f) => f.endsWith('Questions.json')).sort()) {
    const set = JSON.parse(await fs.readFile(path.join(__dirname, file), 'utf8')) as QuestionSet;
    results[set.package] = await evaluateSet(set);
  }
  return results;
}

async function evaluateSet(set: QuestionSet): Promise<ModeResults> {
  const root = path.join(__dirname, '..', 'node_modules', set.package);
  const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-eval-'));
  try {
    const index = await WorkspaceIndex.open({ root, indexDir, scan: { include: set.include } });
    await index.sync();
    const results = {} as ModeResults;
    for (const mode of MODES) {
      const ranks: number[] = [];
      for (const { q, answers } of set.questions) {
        // Ranked by file: the first position at which any answering file appears.
        const sources = await index.search(q, { k: 20, mode });
        const files = [...new Set(sources.map((s) => s.path))];
        const rank = files.findIndex((file) => answers.includes(file));
        ranks.push(rank === -1 ? Infinity : rank + 1);
      }
      const n = ranks.length;
      results[mode] = {
        hit1: ranks.filter((r) => r <= 1).length / n,
        hit5: ranks.filter((r) => r <= 5).length / n,
        mrr: ranks.reduce((sum, r) => sum + (Number.isFinite(r) ? 1 / r : 0), 0) / n,
        perQuestion: ranks,
      };
    }
    return results;
  } finally {
    await fs.rm(indexDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runEval().then((results) => {
    if (process.argv.includes('--json')) {
      process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      return;
    }
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    for (const [name, set] of Object.entries(results)) {
      console.log(`\n${name} (${set.fused.perQuestion.length} questions)\nranking   hit@1  hit@5  MRR`);
      for (const mode of MODES) {
        const r = set[mode];
        console.log(`${mode.padEnd(9)} ${pct(r.hit1).padStart(5)}  ${pct(r.hit5).padStart(5)}  ${r.mrr.toFixed(3)}`);
      }
      console.log('rank of the first answering file, per question (lexical/vector/fused): '
        + set.fused.perQuestion.map((_, i) => MODES.map((m) => set[m].perQuestion[i]).join('/')).join('  '));
    }
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
