type Tokenizer = typeof import('gpt-tokenizer/encoding/cl100k_base');

let tokenizer: Tokenizer | undefined;

/**
 * The tokenizer is loaded on first use: its tables take about 45 MB, which a process that never
 * chunks or builds a prompt (an index client, a search) should not pay. cl100k_base is the encoding of
 * GPT-4-class models; counts are for budgets, so any current encoding serves, and this one is smaller.
 */
function gpt(): Tokenizer {
  if (!tokenizer) {
    tokenizer = require('gpt-tokenizer/encoding/cl100k_base') as Tokenizer;
    // Merges of text pieces are memoised; the default 100,000 entries hold about 30 MB on a large
    // workspace for a speed-up that a tenth of that already gives.
    tokenizer.setMergeCacheSize(10_000);
  }
  return tokenizer;
}

/** Special-token strings such as `<|endoftext|>` in workspace files are plain text to us, never control tokens. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>(), allowedSpecial: new Set<string>() };

/** Tokens of `text` as a GPT tokenizer counts them; never throws on special-token strings. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : gpt().encode(text, PLAIN_TEXT).length;
}

/** The longest prefix of `text` within `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = gpt().encode(text, PLAIN_TEXT);
  if (tokens.length <= maxTokens) return text;
  return gpt().decode(tokens.slice(0, Math.max(0, maxTokens)));
}
