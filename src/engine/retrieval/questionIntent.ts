import { isMarkdownLike, languageOf } from '../indexing/languages';

/**
 * What a question asks, as its opening words tell, and so which kind of file answers it best.
 *
 * Questions about how something works inside ("How is the retry delay computed?", "How are dead
 * connections noticed?", "Where is the English message written?") are answered by the code that does
 * it: docs say what to do, and mention the same words while saying it. "How does X work?" is left
 * alone: a framework's docs often answer it (with it or without, the same on `npm run eval`).
 */
const HOW_IT_WORKS = /^\s*(?:how|where|when)\s+(?:is|are|was|were)\b/i;

/**
 * Questions about how to do something ("How do I…", "How can I…", "Can I…", "Is there a way…") are
 * answered by what the docs tell a user to do, where there are docs: code that implements the feature
 * names the same things ("response", "console", "log level") without saying how to use them.
 */
const HOW_TO = /^\s*(?:how\s+(?:do|can|should|would)\s+(?:i|we|you|one)|can\s+(?:i|we)|is\s+(?:it|there)\s+(?:possible|a\s+way))\b/i;

export function asksHowItWorks(question: string): boolean {
  return HOW_IT_WORKS.test(question);
}

export function asksHowTo(question: string): boolean {
  return HOW_TO.test(question);
}

/** Docs and other prose, by the file's language. */
export function isProse(path: string): boolean {
  return isMarkdownLike(languageOf(path));
}
