import type { Source } from '../protocol/events';
import type { StreamConfig } from './streamConfig';
import { isNamed, namedFiles } from './text/namedFiles';
import { countTokens, truncateToTokens } from './tokens';

/** One earlier question and answer of the conversation, for follow-up questions. */
export interface Turn {
  question: string;
  answer: string;
}

export interface BuiltPrompt {
  prompt: string;
  /** The sources that made it into the prompt, in citation order: `sources[i]` is `[i + 1]`. */
  sources: Source[];
  promptTokens: number;
}

/** Below this many tokens left in the budget, a further source is dropped rather than cut to a stub. */
const MIN_USEFUL_SOURCE_TOKENS = 40;

/**
 * Sources scoring under this share of the best one's are left out of the prompt (and so of the cards and
 * the offline answer): less than half as relevant as the best, they would more often distract a small
 * model than inform it. With the workspace's fused ranking, when the best is first by both words and
 * vectors, this drops a source that only the words rank, fourth or lower (measured in BENCHMARKS.md).
 */
export const MIN_RELATIVE_SCORE = 0.5;

/** Earlier turns are summarised to this many characters each so follow-ups do not crowd out sources. */
const MAX_HISTORY_ANSWER_CHARS = 600;
const MAX_HISTORY_TURNS = 4;

/**
 * Builds the prompt: numbered, delimited sources capped by `maxContextDocs`, `maxDocChars` and the
 * `maxContextTokens` budget, then the question. Template placeholders are filled in one pass, so
 * a `{query}` written inside a source file stays literal text.
 */
export function buildPrompt(query: string, retrieved: Source[], config: StreamConfig, history: Turn[] = []): BuiltPrompt {
  const packed = packSources(aboveFloor(retrieved, query).slice(0, config.maxContextDocs), 1, config.maxContextTokens, config.maxDocChars);
  const context = packed.blocks.length > 0 ? packed.blocks.join('\n\n') : '(no sources were found for this question)';
  const values: Record<string, string> = { context, query, history: formatHistory(history) };
  const prompt = config.promptTemplate.replace(/\{(context|query|history)\}/g, (_, key: string) => values[key]);
  return { prompt, sources: packed.sources, promptTokens: countTokens(prompt) };
}

export interface PackedSources {
  /** The sources that fit, in order: `sources[i]` is numbered `firstIndex + i`. */
  sources: Source[];
  /** Each source as a delimited, numbered block. */
  blocks: string[];
  tokens: number;
}

/**
 * Numbers sources from `firstIndex` and formats them as delimited blocks within `budget` tokens, each cut
 * to `maxDocChars`: the prompt's first wave, and each wave a search of the model's adds.
 */
export function packSources(retrieved: readonly Source[], firstIndex: number, budget: number, maxDocChars: number): PackedSources {
  const sources: Source[] = [];
  const blocks: string[] = [];
  let left = budget;
  for (const source of retrieved) {
    const index = firstIndex + sources.length;
    let text = cutAtLine(source.text, maxDocChars);
    let block = formatSource(index, source, text);
    let tokens = countTokens(block);
    if (tokens > left) {
      if (left < MIN_USEFUL_SOURCE_TOKENS) break;
      text = truncateToTokens(text, left - (tokens - countTokens(text)));
      block = formatSource(index, source, text);
      tokens = countTokens(block);
      if (tokens > left) break;
    }
    left -= tokens;
    sources.push(source);
    blocks.push(block);
  }
  return { sources, blocks, tokens: budget - left };
}

/**
 * The sources within MIN_RELATIVE_SCORE of the best, in their order; all of them when scores are not
 * positive. A file the question names stays whatever its score: a question about "the key in config.ts and
 * the values in .env" wants both, even when one matches far more of its words.
 */
export function aboveFloor(retrieved: Source[], query: string): Source[] {
  const best = Math.max(0, ...retrieved.map((source) => source.score));
  if (best <= 0) return retrieved;
  const named = namedFiles(query);
  return retrieved.filter((source) => source.score >= best * MIN_RELATIVE_SCORE || isNamed(source.path, named));
}

function formatSource(index: number, source: Source, text: string): string {
  // A file cannot close its own delimiter early and smuggle text outside it.
  const safe = text.replace(/<\/?source\b/gi, (tag) => tag.replace('<', '<\u200b'));
  return `<source id="${index}" path="${escapeAttribute(source.path)}" lines="${source.startLine}-${source.endLine}">\n${safe}\n</source>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Cuts at a line end when one is reasonably near the limit, so the model sees whole lines. */
function cutAtLine(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const lastNewline = cut.lastIndexOf('\n');
  return (lastNewline > maxChars * 0.6 ? cut.slice(0, lastNewline) : cut) + '\n…';
}

function formatHistory(history: Turn[]): string {
  if (history.length === 0) return '';
  const turns = history.slice(-MAX_HISTORY_TURNS).map((turn) => {
    const answer = turn.answer.length > MAX_HISTORY_ANSWER_CHARS ? turn.answer.slice(0, MAX_HISTORY_ANSWER_CHARS) + '…' : turn.answer;
    return `Earlier question: ${turn.question}\nEarlier answer: ${answer}`;
  });
  return `\nThe conversation so far (for resolving follow-up questions; its citations refer to earlier sources):\n${turns.join('\n\n')}\n`;
}
