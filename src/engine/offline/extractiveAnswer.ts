import type { Source } from '../../protocol/events';
import { cutLine } from '../passages/cutLine';
import { bestExcerpt } from '../passages/excerpt';
import { passageLines, type PassageLine } from '../passages/passageLines';
import { askedKinds, isUnaskedSupporting } from '../retrieval/supportingFiles';
import { questionTerms } from '../text/wordMatches';

/** How to get written answers, when the surface has no more specific advice. */
const DEFAULT_SETUP_HINT = 'For written answers, start Ollama (`ollama serve`) or configure an OpenAI-compatible server.';

/** The opening line of every offline answer; `setupHint` says how a user of this surface configures a model. */
export function offlineNotice(setupHint = DEFAULT_SETUP_HINT): string {
  return `_No language model is configured or reachable, so this answer quotes the passages of the workspace that best match the question. ${setupHint}_`;
}

/** The leading passage: a short contiguous excerpt, long enough for a sentence and the code it introduces. */
export const LEAD_LINES = 6;
/** Supporting passages say where else the answer is confirmed: a few lines each. */
export const SUPPORT_LINES = 3;
/** Passages after the lead: more would read as a list of search results again. */
export const MAX_SUPPORTING = 2;
/**
 * A passage is quoted only if it has at least this share of the question's terms (its words less the
 * common ones): a line that shares one word of a longer question is not an answer.
 */
export const MIN_COVERAGE = 1 / 3;
/** A supporting passage must score at least this share of the lead's: one far below it only adds noise. */
export const SUPPORT_RATIO = 0.5;
/**
 * A supporting file's passage (a test, an example, a changelog: see supportingFiles.ts) counts half,
 * unless the question asks for that kind of file.
 */
export const SUPPORTING_PASSAGE_WEIGHT = 0.5;
/** Quoted lines are cut to this width around their first match, so one minified line cannot flood the answer. */
const MAX_LINE_CHARS = 200;

interface Passage {
  sourceIndex: number;
  lines: PassageLine[];
  coverage: number;
  score: number;
}

/**
 * Writes an answer without a language model, after a first line that says no model is configured: the
 * passage that best answers, with its `[n]`, then at most two supporting passages. Never invented: every
 * quoted line is in a source; with nothing worth quoting it says so and points at the closest source.
 *
 * A passage's score: half the share of the question's terms it has, half the share its best line has on
 * its own (words said together, not scattered over lines), times the square root of its source's
 * retrieval score relative to the best source's (the search saw the whole chunk and the whole index, but
 * it already counted these same words), times SUPPORTING_PASSAGE_WEIGHT for a supporting file not asked for.
 */
export function extractiveAnswer(query: string, sources: Source[], notice: string = offlineNotice()): string {
  const question = questionTerms(query);
  const lines = sources.map((source) => passageLines(source, question));
  const bestScore = Math.max(...sources.map((s) => s.score));
  const asked = askedKinds(query);
  const ranked: Passage[] = [];
  sources.forEach((source, sourceIndex) => {
    const excerpt = bestExcerpt(lines[sourceIndex], question.terms.size, LEAD_LINES, 'tight');
    if (!excerpt) return;
    const retrieval = bestScore > 0 && source.score > 0 ? Math.sqrt(source.score / bestScore) : 1;
    const score = ((excerpt.coverage + excerpt.lineCoverage) / 2) * retrieval * (isUnaskedSupporting(source.path, asked) ? SUPPORTING_PASSAGE_WEIGHT : 1);
    ranked.push({ sourceIndex, lines: lines[sourceIndex].slice(excerpt.first, excerpt.last + 1), coverage: excerpt.coverage, score });
  });
  ranked.sort((a, b) => b.score - a.score || a.sourceIndex - b.sourceIndex);

  const parts = [notice, ''];
  const quotable = ranked.filter((p) => p.coverage >= MIN_COVERAGE);
  if (quotable.length === 0) {
    parts.push(nothingToQuote(sources, ranked[0]));
    return parts.join('\n') + '\n';
  }
  const [lead, ...others] = quotable;
  parts.push(...passage(lead, sources[lead.sourceIndex]));
  const supporting = others.filter((p) => p.score >= lead.score * SUPPORT_RATIO).slice(0, MAX_SUPPORTING);
  if (supporting.length > 0) parts.push('', 'Also relevant:');
  for (const support of supporting) {
    const excerpt = bestExcerpt(lines[support.sourceIndex], question.terms.size, SUPPORT_LINES, 'tight')!;
    parts.push('', ...passage({ ...support, lines: lines[support.sourceIndex].slice(excerpt.first, excerpt.last + 1) }, sources[support.sourceIndex]));
  }
  return parts.join('\n') + '\n';
}

function nothingToQuote(sources: Source[], closest: Passage | undefined): string {
  const retry = 'Try other words (names of functions, files or settings work best), or reindex if files changed.';
  if (sources.length === 0) return `I found nothing in the indexed files for this question. ${retry}`;
  if (!closest) return `None of the lines I found mention the words of the question, so I cannot quote an answer. ${retry}`;
  const source = sources[closest.sourceIndex];
  return `None of the passages I found says enough about this question to quote it as an answer; the closest is `
    + `**${source.path}** (${lineRange(closest.lines)}) [${closest.sourceIndex + 1}]. ${retry}`;
}

/** A passage as Markdown: where it is, with its citation, then its prose as a quote and its code fenced. */
function passage(p: Passage, source: Source): string[] {
  const out = [`**${source.path}** (${lineRange(p.lines)}) [${p.sourceIndex + 1}]:`, ''];
  let i = 0;
  while (i < p.lines.length) {
    const code = p.lines[i].code;
    let end = i;
    while (end < p.lines.length && p.lines[end].code === code) end++;
    const run = p.lines.slice(i, end);
    if (out.length > 2) out.push('');
    out.push(...(code ? fenced(run) : quoted(run)));
    i = end;
  }
  return out;
}

function lineRange(lines: PassageLine[]): string {
  const first = lines[0].lineNumber;
  const last = lines[lines.length - 1].lineNumber;
  return first === last ? `line ${first}` : `lines ${first}-${last}`;
}

/**
 * Prose as a Markdown quote, a heading in bold as a paragraph of its own; a bracketed number from the
 * file is escaped so it never reads as a citation.
 */
function quoted(lines: PassageLine[]): string[] {
  return lines.flatMap((line, i) => {
    const text = shorten(line).replace(/\[(\d+(?:\s*,\s*\d+)*)\]/g, '\\[$1]');
    if (!line.heading) return [`> ${text}`];
    return i < lines.length - 1 ? [`> **${text}**`, '>'] : [`> **${text}**`];
  });
}

/** Code in a fence longer than any backtick run inside, indentation kept relative to the run's least indented line. */
function fenced(lines: PassageLine[]): string[] {
  const indent = Math.min(...lines.map((line) => /^\s*/.exec(line.text)![0].length));
  const texts = lines.map((line) => shorten(line, indent));
  const longestRun = Math.max(0, ...texts.flatMap((text) => (text.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [fence + lines[0].language.replace('plaintext', ''), ...texts, fence];
}

function shorten(line: PassageLine, indent = 0): string {
  return cutLine(line.text.slice(indent), (line.matches[0]?.start ?? 0) - indent, MAX_LINE_CHARS).text;
}
