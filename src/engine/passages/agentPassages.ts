import type { Source } from '../../protocol/events';
import { countTokens, truncateToTokens } from '../tokens';

/**
 * Tokens a list of passages may take when a surface gives no budget: eight passages of about 600 tokens,
 * a small share of any current agent's context window.
 */
export const DEFAULT_PASSAGE_TOKENS = 5_000;

/** A passage cut to fit keeps at least this many tokens; less would be a fragment nobody can use. */
const MIN_CUT_TOKENS = 40;

export interface PassagesText {
  text: string;
  /** Passages shown, whole or cut. */
  shown: number;
}

/**
 * The passages as text for a language model: `[n] path:start-end`, then the passage in a code fence,
 * best first, within `maxTokens` (counted like the prompt's context). A passage that does not fit is
 * cut; the ones after it are left out and counted, so the reader knows to narrow the search.
 */
export function formatPassages(sources: readonly Source[], maxTokens = DEFAULT_PASSAGE_TOKENS): PassagesText {
  const parts: string[] = [];
  let left = maxTokens;
  let shown = 0;
  for (const [i, source] of sources.entries()) {
    const head = `[${i + 1}] ${source.path}:${source.startLine}-${source.endLine}`;
    const block = fenced(source.text);
    const cost = countTokens(`${head}\n${block}\n\n`);
    if (cost <= left) {
      parts.push(`${head}\n${block}`);
      left -= cost;
      shown++;
      continue;
    }
    const room = left - countTokens(`${head} (cut)\n${fenced('')}\n\n`);
    const cut = wholeLines(truncateToTokens(source.text, room));
    if (room >= MIN_CUT_TOKENS && cut) {
      const endLine = source.startLine + cut.split('\n').length - 1;
      parts.push(`[${i + 1}] ${source.path}:${source.startLine}-${endLine} (cut)\n${fenced(cut)}`);
      shown++;
    }
    break;
  }
  const omitted = sources.length - shown;
  if (omitted > 0) parts.push(`(${omitted} more passage${omitted === 1 ? '' : 's'} left out to stay within ${maxTokens.toLocaleString('en-US')} tokens; narrow the search with path globs or a smaller k.)`);
  return { text: parts.join('\n\n'), shown };
}

/** The text up to its last complete line: a cut passage ends where a line does, so its range is exact. */
function wholeLines(text: string): string {
  const end = text.lastIndexOf('\n');
  return end > 0 ? text.slice(0, end) : '';
}

/** The text in a Markdown code fence longer than any run of backticks inside it. */
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${text.replace(/\n+$/, '')}\n${fence}`;
}
