/**
 * Measures ranking settings side by side on the evaluation's packages, each indexed once:
 * `node --import tsx eval/tuneRanking.ts [--misses] [SETTINGS.json]`. SETTINGS is a list of
 * `{ "name": …, "rerank": { …overrides of RERANK }, "fusion": { …of FUSION_WEIGHTS }, "question": { …of QUESTION_BRIDGE } }`;
 * each is applied in turn and scored per package
 * (fused and lexical hit@1 · hit@5), so settings are compared on the same indexes in one run.
 * `--misses` prints, for the first setting, each question whose answer is not first, with the top files;
 * `--lexical` adds each setting's lexical hit@1 · hit@5 per package; `--packages a,b` measures those packages only
 * (e.g. the sets the ranking is chosen on, leaving the unseen ones for the final check).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import { QUESTION_BRIDGE } from '../src/engine/indexing/offlineEmbedder';
import { FUSION_WEIGHTS } from '../src/engine/retrieval/hybridSearch';
import { RERANK } from '../src/engine/retrieval/rerank';
import type { RankingMode } from '../src/protocol/indexing';
import { ensureCorpus, indexRoot } from './corpus';
import { TOP_SOURCES, firstAnswerRank } from './metrics';
import { loadQuestionSets, pinnedVersions } from './questionSets';

interface Setting { name: string; rerank?: Record<string, number>; fusion?: Record<string, number>; question?: Record<string, number> }

const DEFAULTS = { ...RERANK } as Record<string, number>;
const FUSION_DEFAULTS = { ...FUSION_WEIGHTS };
const QUESTION_DEFAULTS = { ...QUESTION_BRIDGE };

function apply(setting?: Setting): void {
  Object.assign(RERANK, DEFAULTS, setting?.rerank ?? {});
  Object.assign(FUSION_WEIGHTS, FUSION_DEFAULTS, setting?.fusion ?? {});
  Object.assign(QUESTION_BRIDGE, QUESTION_DEFAULTS, setting?.question ?? {});
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const misses = args.includes('--misses');
  const diff = args.includes('--diff');
  const baseRanks = new Map<string, number | null>();
  // --ranks FILE: the first setting's fused rank per question, to compare two builds of the code.
  const ranksFile = args.includes('--ranks') ? args[args.indexOf('--ranks') + 1] : undefined;
  const saved: Record<string, number | null> = {};
  const only = args.includes('--packages') ? args[args.indexOf('--packages') + 1].split(',') : [];
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--ranks' && args[i - 1] !== '--packages');
  const settings: Setting[] = file ? JSON.parse(await fs.readFile(file, 'utf8')) : [{ name: 'current' }];
  ensureCorpus(await pinnedVersions());
  const modes: RankingMode[] = ['fused', 'lexical'];
  // totals[setting][mode] = [hit1, hit5]
  const table: Record<string, Record<string, Record<string, [number, number, number]>>> = {};
  for (const set of await loadQuestionSets(only)) {
    const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-tune-'));
    const index = await WorkspaceIndex.open({ root: indexRoot(set), indexDir, scan: { include: set.include } });
    try {
      await index.sync();
      for (const [s, setting] of settings.entries()) {
        apply(setting);
        for (const mode of modes) {
          let hit1 = 0; let hit5 = 0; let rr = 0;
          for (const [i, { q, answers }] of set.questions.entries()) {
            const sources = await index.search(q, { k: TOP_SOURCES, mode });
            const paths = sources.map((x) => x.path);
            const rank = firstAnswerRank(paths, answers);
            if (rank === 1) hit1++;
            if (rank !== null && rank <= 5) hit5++;
            if (rank !== null) rr += 1 / rank;
            if (s === 0 && mode === 'fused') saved[`${set.package} #${i + 1}`] = rank;
            if (diff && mode === 'fused') {
              const key = `${set.package} #${i + 1}`;
              if (s === 0) baseRanks.set(key, rank);
              else if (baseRanks.get(key) !== rank) console.log(`${setting.name}: ${key} ${baseRanks.get(key) ?? '-'} → ${rank ?? '-'}  ${q}`);
            }
            if (misses && s === 0 && mode === 'fused' && rank !== 1) {
              const top = [...new Set(paths)].slice(0, 5);
              console.log(`${set.package} #${i + 1} rank ${rank ?? '-'}: ${q}\n  gold: ${answers.join(', ')}\n  top: ${top.join(' | ')}`);
            }
          }
          ((table[setting.name] ??= {})[set.package] ??= {})[mode] = [hit1, hit5, rr];
        }
      }
    } finally {
      await index.close();
      await fs.rm(indexDir, { recursive: true, force: true });
    }
  }
  apply();
  if (ranksFile) await fs.writeFile(ranksFile, JSON.stringify(saved, null, 1));
  const packages = Object.keys(Object.values(table)[0] ?? {});
  console.log(['setting', ...packages, 'all fused', 'all lexical', 'fused MRR sum'].join('\t'));
  for (const [name, byPackage] of Object.entries(table)) {
    const cell = (p: string, m: string) => `${byPackage[p][m][0]}·${byPackage[p][m][1]}`;
    const sum = (m: string, k: 0 | 1 | 2) => packages.reduce((t, p) => t + byPackage[p][m][k], 0);
    console.log([name, ...packages.map((p) => cell(p, 'fused')), `${sum('fused', 0)}·${sum('fused', 1)}`, `${sum('lexical', 0)}·${sum('lexical', 1)}`, sum('fused', 2).toFixed(2)].join('\t'));
    if (args.includes('--lexical')) console.log(['  lexical', ...packages.map((p) => cell(p, 'lexical'))].join('\t'));
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
