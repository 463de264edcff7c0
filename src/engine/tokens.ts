import { encode, decode } from 'gpt-tokenizer';

/** Special-token strings such as `<|endoftext|>` in workspace files are plain text to us, never control tokens. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>(), allowedSpecial: new Set<string>() };

/** Tokens of `text` as a GPT tokenizer counts them; never throws on special-token strings. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : encode(text, PLAIN_TEXT).length;
}

/** The longest prefix of `text` within `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = encode(text, PLAIN_TEXT);
  if (tokens.length <= maxTokens) return text;
  return decode(tokens.slice(0, Math.max(0, maxTokens)));
}
