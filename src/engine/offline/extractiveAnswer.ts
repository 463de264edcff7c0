import type { Source } from '../../protocol/events';
import { termSet } from '../text/terms';

/** How to get written answers, when the surface has no more specific advice. */
const DEFAULT_SETUP_HINT = 'For written answers, start Ollama (`ollama serve`) or configure an OpenAI-compatible server.';

/** The opening line of every offline answer; `setupHint` says how a user of this surface configures a model. */
export function offlineNotice(setupHint = DEFAULT_SETUP_HINT): string {
  return `_No language model is configured or reachable, so this answer quotes the most relevant lines of the workspace. ${setupHint}_`;
}

/** Lines quoted in one answer: enough to show where the answer lives, few enough to read at a glance. */
const MAX_LINES = 8;
const MAX_LINES_PER_SOURCE = 3;
/** Quoted lines are cut to this width so one minified line cannot flood the answer. */
const MAX_LINE_CHARS = 160;

const PROSE = /\.(md|markdown|mdx|txt|rst|adoc)$/i;
const COMMENT = /^\s*(\/\/|\/\*|\*|#(?!include|define|if|endif|pragma)|--|;|<!--|""")/;
const TRIVIAL = /^[\s{}()[\];,.:'"`<>/\\|*#=+-]*$/;
const HEADING = /^\s{0,3}#{1,6}\s/;

interface ScoredLine {
  sourceIndex: number;
  lineNumber: number;
  text: string;
  score: number;
}

/**
 * Writes an answer without a language model: the lines of the retrieved passages that share the most
 * (and rarest) words with the question, each followed by the `[n]` citation of its source, after a
 * first line that says no model is configured. Never empty and never invented: with no matching line
 * it says that nothing relevant was found.
 */
export function extractiveAnswer(query: string, sources: Source[], notice: string = offlineNotice()): string {
  const wanted = termSet(query);
  const scored = wanted.size === 0 ? [] : scoreLines(wanted, sources);
  if (scored.length === 0) {
    const why = sources.length === 0
      ? 'I found nothing in the indexed files for this question.'
      : 'None of the lines I found mention the words of the question, so I cannot quote an answer.';
    return `${notice}\n\n${why} Try other words (names of functions, files or settings work best), or reindex if files changed.\n`;
  }
  const chosen = pickLines(scored);
  const parts: string[] = [notice, ''];
  let currentSource = -1;
  for (const line of chosen) {
    if (line.sourceIndex !== currentSource) {
      currentSource = line.sourceIndex;
      const source = sources[currentSource];
      if (parts.length > 2) parts.push('');
      parts.push(`**${source.path}** (lines ${source.startLine}-${source.endLine})`, '');
    }
    parts.push(`- L${line.lineNumber}: ${quote(line.text, sources[line.sourceIndex].path)} [${line.sourceIndex + 1}]`);
  }
  return parts.join('\n') + '\n';
}

function scoreLines(wanted: Set<string>, sources: Source[]): ScoredLine[] {
  const candidates: (ScoredLine & { terms: Set<string>; offset: number })[] = [];
  const documentFrequency = new Map<string, number>();
  sources.forEach((source, sourceIndex) => {
    source.text.split(/\r?\n/).forEach((text, offset) => {
      if (TRIVIAL.test(text)) return;
      const lineTerms = termSet(text);
      const matched = new Set([...lineTerms].filter((term) => wanted.has(term)));
      if (matched.size === 0) return;
      for (const term of matched) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      candidates.push({ sourceIndex, lineNumber: source.startLine + offset, offset, text, score: 0, terms: matched });
    });
  });
  const total = candidates.length;
  for (const line of candidates) {
    let score = 0;
    for (const term of line.terms) score += Math.log(1 + total / documentFrequency.get(term)!);
    // Lines that cover more of the question, and comments or prose that explain, read best on their own.
    score *= 0.5 + line.terms.size / wanted.size;
    if (COMMENT.test(line.text)) score *= 1.15;
    // Earlier sources ranked higher in retrieval; keep a little of that order.
    score *= 1 - Math.min(line.sourceIndex, 9) * 0.03;
    line.score = score;
  }
  return [...candidates, ...sectionOpenings(candidates, sources)];
}

/**
 * A matching Markdown heading names the answer but rarely states it: quote the first line of its
 * section too ("## Rate limiting" → "Each client may send 100 requests per minute").
 */
function sectionOpenings(matches: (ScoredLine & { offset: number })[], sources: Source[]): ScoredLine[] {
  const taken = new Set(matches.map((m) => `${m.sourceIndex}:${m.offset}`));
  const openings: ScoredLine[] = [];
  for (const match of matches) {
    if (!PROSE.test(sources[match.sourceIndex].path) || !HEADING.test(match.text)) continue;
    const lines = sources[match.sourceIndex].text.split(/\r?\n/);
    for (let offset = match.offset + 1; offset < lines.length; offset++) {
      if (HEADING.test(lines[offset])) break;
      if (TRIVIAL.test(lines[offset])) continue;
      if (!taken.has(`${match.sourceIndex}:${offset}`)) {
        taken.add(`${match.sourceIndex}:${offset}`);
        openings.push({ sourceIndex: match.sourceIndex, lineNumber: sources[match.sourceIndex].startLine + offset, text: lines[offset], score: match.score * 0.95 });
      }
      break;
    }
  }
  return openings;
}

/** The best lines, at most a few per source, then put back in reading order. */
function pickLines(scored: ScoredLine[]): ScoredLine[] {
  const perSource = new Map<number, number>();
  const seen = new Set<string>();
  const chosen: ScoredLine[] = [];
  for (const line of [...scored].sort((a, b) => b.score - a.score)) {
    const key = line.text.trim();
    const count = perSource.get(line.sourceIndex) ?? 0;
    if (count >= MAX_LINES_PER_SOURCE || seen.has(key)) continue;
    perSource.set(line.sourceIndex, count + 1);
    seen.add(key);
    chosen.push(line);
    if (chosen.length >= MAX_LINES) break;
  }
  return chosen.sort((a, b) => a.sourceIndex - b.sourceIndex || a.lineNumber - b.lineNumber);
}

/** Prose lines read as text; code lines go in an inline code span wide enough for any backticks inside. */
function quote(text: string, path: string): string {
  let line = text.trim();
  if (line.length > MAX_LINE_CHARS) line = line.slice(0, MAX_LINE_CHARS) + '…';
  if (PROSE.test(path)) return line.replace(/^(#{1,6}\s+|>\s*|[-*+]\s+|\d+\.\s+)/, '').replace(/\[(\d+)\]/g, '\\[$1]');
  const longestRun = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}
