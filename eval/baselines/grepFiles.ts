/**
 * What an agent with ripgrep does: search each word of the question (case-insensitive, as a substring,
 * like `rg -i WORD`) and open the files that contain the most of them. Files are ranked by the number of
 * the question's distinct words they contain, ties by how often those words occur, then by path.
 */
import { plainWords, type TextFile } from './packageFiles';

/** Words no one would grep for: English function words and the words that only make a sentence a question. */
const STOP_WORDS = new Set([
  'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before', 'being',
  'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does', 'doing', 'each', 'either', 'for', 'from', 'get', 'gets',
  'got', 'had', 'has', 'have', 'how', 'i', 'if', 'in', 'instead', 'into', 'is', 'it', 'its', 'just', 'me', 'more',
  'most', 'my', 'no', 'not', 'of', 'off', 'on', 'one', 'only', 'or', 'other', 'our', 'out', 'own', 'same', 'should',
  'so', 'some', 'such', 'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those',
  'through', 'to', 'too', 'up', 'use', 'used', 'using', 'very', 'was', 'way', 'we', 'were', 'what', 'when', 'where',
  'whether', 'which', 'while', 'who', 'why', 'will', 'with', 'without', 'would', 'you', 'your',
]);

/** Shorter words match inside too many unrelated words to be worth a search. */
const MIN_WORD_CHARS = 3;

export class GrepFiles {
  private readonly files: { path: string; lower: string }[];

  constructor(files: readonly TextFile[]) {
    this.files = files.map((file) => ({ path: file.path, lower: file.text.toLowerCase() }));
  }

  /** The words searched for a question. */
  static words(question: string): string[] {
    return [...new Set(plainWords(question))].filter((w) => w.length >= MIN_WORD_CHARS && !STOP_WORDS.has(w));
  }

  /** Paths of the best `k` files, best first. */
  search(question: string, k: number): string[] {
    const words = GrepFiles.words(question);
    const ranked: { path: string; distinct: number; hits: number }[] = [];
    for (const file of this.files) {
      let distinct = 0;
      let hits = 0;
      for (const word of words) {
        const count = occurrences(file.lower, word);
        if (count > 0) distinct++;
        hits += count;
      }
      if (distinct > 0) ranked.push({ path: file.path, distinct, hits });
    }
    ranked.sort((a, b) => b.distinct - a.distinct || b.hits - a.hits || (a.path < b.path ? -1 : 1));
    return ranked.slice(0, k).map((r) => r.path);
  }
}

function occurrences(text: string, word: string): number {
  let count = 0;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) count++;
  return count;
}
