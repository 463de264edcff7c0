/**
 * Retrieval quality on real packages: for every question set, the rank of the first answering file under
 * two baselines (plain BM25 over 60-line chunks, grep-style word counting) and the engine's lexical,
 * vector and fused rankings (offline embedder), and how often the offline answer quotes an answering
 * file first. `npm run eval [-- PACKAGE…] [--json]`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import type { RankingMode } from '../src/protocol/indexing';
import { GrepFiles } from './baselines/grepFiles';
import { readPackageFiles } from './baselines/packageFiles';
import { PlainBm25 } from './baselines/plainBm25';
import { ensureCorpus, indexRoot } from './corpus';
import { TOP_SOURCES, firstAnswerRank, score, type Scores } from './metrics';
import { OfflineAnswers } from './offlineAnswer';
import { loadQuestionSets, pinnedVersions, type QuestionSet } from './questionSets';

export const RANKINGS = ['bm25', 'grep', 'lexical', 'vector', 'fused'] as const;
export type Ranking = (typeof RANKINGS)[number];

export const RANKING_NAMES: Record<Ranking, string> = {
  bm25: 'plain BM25, 60-line chunks',
  grep: 'grep, distinct words',
  lexical: 'ours: lexical',
  vector: 'ours: vectors',
  fused: 'ours: fused',
};

const ENGINE_MODES: RankingMode[] = ['lexical', 'vector', 'fused'];

export interface PackageResult {
  version: string;
  questions: string[];
  files: number;
  chunks: number;
  indexMs: number;
  rankings: Record<Ranking, Scores>;
  offline: {
    /** Share of questions whose answer quotes an answering file first. */
    firstQuoteAnswers: number;
    /** Per question: the file of the first quoted passage (null: nothing quoted). */
    firstQuoted: (string | null)[];
    /** Mean number of sources the answer was given (those within the prompt's relative score floor). */
    meanSources: number;
    /** Share of questions with an answering file among those sources. */
    answerAmongSources: number;
  };
}

export async function runEval(only: readonly string[] = []): Promise<Record<string, PackageResult>> {
  ensureCorpus(await pinnedVersions());
  const results: Record<string, PackageResult> = {};
  for (const set of await loadQuestionSets(only)) results[set.package] = await evaluateSet(set);
  return results;
}

async function evaluateSet(set: QuestionSet): Promise<PackageResult> {
  const root = indexRoot(set);
  const files = await readPackageFiles(root, set.include);
  checkGoldFiles(set, new Set(files.map((f) => f.path)));
  const bm25 = new PlainBm25(files);
  const grep = new GrepFiles(files);

  const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-eval-'));
  const index = await WorkspaceIndex.open({ root, indexDir, scan: { include: set.include } });
  try {
    const started = performance.now();
    const summary = await index.sync();
    const indexMs = Math.round(performance.now() - started);

    const ranks = Object.fromEntries(RANKINGS.map((r) => [r, [] as (number | null)[]])) as Record<Ranking, (number | null)[]>;
    for (const { q, answers } of set.questions) {
      ranks.bm25.push(firstAnswerRank(bm25.search(q, TOP_SOURCES), answers));
      ranks.grep.push(firstAnswerRank(grep.search(q, TOP_SOURCES), answers));
      for (const mode of ENGINE_MODES) {
        const sources = await index.search(q, { k: TOP_SOURCES, mode });
        ranks[mode].push(firstAnswerRank(sources.map((s) => s.path), answers));
      }
    }
    // The offline answer streams at a reading pace (40 ms between pieces, about 1.4 s an answer): asking
    // every question at once keeps the run short and changes no answer.
    const offline = new OfflineAnswers(index);
    const quotes = await Promise.all(set.questions.map(({ q }) => offline.firstQuote(q)));
    const firstQuoted = quotes.map((quote) => quote.firstQuotedPath);
    const quotedAnswers = firstQuoted.filter((p, i) => p !== null && set.questions[i].answers.includes(p)).length;
    const answerAmongSources = quotes.filter((quote, i) => quote.sourcePaths.some((p) => set.questions[i].answers.includes(p))).length;
    const meanSources = quotes.reduce((sum, quote) => sum + quote.sourcePaths.length, 0) / quotes.length;
    return {
      version: set.version,
      questions: set.questions.map((q) => q.q),
      files: summary.files,
      chunks: summary.chunks,
      indexMs,
      rankings: Object.fromEntries(RANKINGS.map((r) => [r, score(ranks[r])])) as Record<Ranking, Scores>,
      offline: { firstQuoteAnswers: quotedAnswers / set.questions.length, firstQuoted, meanSources, answerAmongSources: answerAmongSources / set.questions.length },
    };
  } finally {
    await index.close();
    await fs.rm(indexDir, { recursive: true, force: true });
  }
}

/** A gold file the scan leaves out (a typo, an ignored folder) would make its question unanswerable. */
function checkGoldFiles(set: QuestionSet, indexed: Set<string>): void {
  const missing = set.questions.flatMap(({ q, answers }) => answers.filter((a) => !indexed.has(a)).map((a) => `${a} (for "${q}")`));
  if (missing.length > 0) throw new Error(`${set.package}: answer files that are not indexed: ${missing.join('; ')}`);
}

function printResults(results: Record<string, PackageResult>): void {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  for (const [name, r] of Object.entries(results)) {
    const n = r.questions.length;
    console.log(`\n${name} ${r.version}: ${n} questions; ${r.files} files, ${r.chunks} chunks, indexed in ${(r.indexMs / 1000).toFixed(1)} s`);
    console.log(`${'ranking'.padEnd(28)} hit@1  hit@5  MRR`);
    for (const ranking of RANKINGS) {
      const s = r.rankings[ranking];
      console.log(`${RANKING_NAMES[ranking].padEnd(28)} ${pct(s.hit1).padStart(5)}  ${pct(s.hit5).padStart(5)}  ${s.mrr.toFixed(3)}`);
    }
    const quoted = Math.round(r.offline.firstQuoteAnswers * n);
    console.log(`offline answer: first quote from an answering file for ${quoted} of ${n} (${pct(r.offline.firstQuoteAnswers)}); `
      + `${r.offline.meanSources.toFixed(1)} sources on average, an answering file among them for ${Math.round(r.offline.answerAmongSources * n)} of ${n}`);
    const rankText = (x: number | null) => (x === null ? '-' : String(x));
    console.log(`rank of the first answering file per question (${RANKINGS.join('/')}; - = not in the top ${TOP_SOURCES} sources):`);
    console.log('  ' + r.questions.map((_, i) => `${i + 1}:${RANKINGS.map((k) => rankText(r.rankings[k].ranks[i])).join('/')}`).join('  '));
  }
  console.log('\n| package | questions | ' + RANKINGS.map((k) => RANKING_NAMES[k]).join(' | ') + ' | offline answer, first quote |');
  console.log('| --- | --- | ' + RANKINGS.map(() => '---').join(' | ') + ' | --- |');
  for (const [name, r] of Object.entries(results)) {
    const cells = RANKINGS.map((k) => `${pct(r.rankings[k].hit1)} · ${pct(r.rankings[k].hit5)} · ${r.rankings[k].mrr.toFixed(2)}`);
    console.log(`| ${name} ${r.version} | ${r.questions.length} | ${cells.join(' | ')} | ${pct(r.offline.firstQuoteAnswers)} |`);
  }
  console.log('(cells: hit@1 · hit@5 · MRR)');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const started = performance.now();
  runEval(args.filter((a) => !a.startsWith('--'))).then((results) => {
    if (args.includes('--json')) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    else printResults(results);
    process.stderr.write(`\nEvaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
