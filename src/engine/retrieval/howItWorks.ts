import { isMarkdownLike, languageOf } from '../indexing/languages';

/**
 * Questions about how something works inside ("How is the retry delay computed?", "How are dead
 * connections noticed?", "Where is the English message written?") are answered by the code that does
 * it: docs say what to do, and mention the same words while saying it. Questions about what to do
 * ("How do I…", "Can I…", "What is…") are left alone, and so is "How does X work?", which a
 * framework's docs often answer (with it or without, the same on `npm run eval`).
 */
const HOW_IT_WORKS = /^\s*(?:how|where|when)\s+(?:is|are|was|were)\b/i;

export function asksHowItWorks(question: string): boolean {
  return HOW_IT_WORKS.test(question);
}

/** Docs and other prose, by the file's language. */
export function isProse(path: string): boolean {
  return isMarkdownLike(languageOf(path));
}
