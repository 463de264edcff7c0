/** Ranking quality from the rank of the first answering file for each question. */

/** Sources looked at per question: the rank of the first answering file among the files of the top 20. */
export const TOP_SOURCES = 20;

export interface Scores {
  hit1: number;
  hit5: number;
  mrr: number;
  /** 1-based rank of the first answering file per question; null when none is in the top sources. */
  ranks: (number | null)[];
}

/** Rank of the first answering file in a best-first list of paths (duplicates count once). */
export function firstAnswerRank(paths: readonly string[], answers: readonly string[]): number | null {
  const files = [...new Set(paths)];
  const index = files.findIndex((file) => answers.includes(file));
  return index === -1 ? null : index + 1;
}

export function score(ranks: (number | null)[]): Scores {
  const n = ranks.length;
  const within = (k: number) => ranks.filter((r) => r !== null && r <= k).length / n;
  return {
    hit1: within(1),
    hit5: within(5),
    mrr: ranks.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0) / n,
    ranks,
  };
}
