import { informativeLines, outlineEntry, type OutlineEntry } from './outline';

/** Outline entries shown per window: enough to see its structure, few enough to stay a summary. */
export const MAX_OUTLINE_ENTRIES = 6;
/** Most informative lines quoted per window (one more when the window has no outline). */
export const MAX_QUOTED_LINES = 2;
/** Quoted lines are cut to this width, so one long line cannot flood the summary. */
const MAX_QUOTE_CHARS = 160;

/** One cited item of an offline summary: the lines it came from and its Markdown (the citation is added after). */
export interface SummaryItem {
  startLine: number;
  endLine: number;
  markdown: string;
}

/** The extractive summary of one window's own lines: its outline entries and most informative lines, in file order. */
export interface ExtractivePart {
  items: SummaryItem[];
  /** Outline entries found but not shown (too many for one window). */
  omitted: number;
}

/**
 * Summarises a window without a model: the headings and top-level declarations it holds (the most
 * important when there are too many, spread over the window), each citing its section, and the lines that
 * say most, each citing itself. Nothing is written that is not in the file.
 */
export function extractivePart(filePath: string, lines: readonly { line: number; text: string }[]): ExtractivePart {
  if (lines.length === 0) return { items: [], omitted: 0 };
  const lastLine = lines[lines.length - 1].line;
  const entries: OutlineEntry[] = [];
  for (const l of lines) {
    const entry = outlineEntry(filePath, l.text, l.line);
    if (entry) entries.push(entry);
  }
  const shown = pickEntries(entries);
  const items: SummaryItem[] = shown.map((entry) => ({
    startLine: entry.line,
    endLine: sectionEnd(entry, entries, lastLine),
    markdown: /\.(md|mdx|markdown)$/i.test(filePath) ? `- **${escapeMarkdown(cut(entry.text))}**` : `- ${codeSpan(cut(entry.text))}`,
  }));
  const entryLines = new Set(entries.map((e) => e.line));
  const quotes = informativeLines(lines.filter((l) => !entryLines.has(l.line)))
    .slice(0, shown.length === 0 ? MAX_QUOTED_LINES + 1 : MAX_QUOTED_LINES);
  for (const quote of quotes) items.push({ startLine: quote.line, endLine: quote.line, markdown: `- line ${quote.line}: ${codeSpan(cut(quote.text.trim()))}` });
  items.sort((a, b) => a.startLine - b.startLine);
  return { items, omitted: entries.length - shown.length };
}

/** The most important entries (lowest level first), at most MAX_OUTLINE_ENTRIES, spread evenly, in file order. */
function pickEntries(entries: OutlineEntry[]): OutlineEntry[] {
  if (entries.length <= MAX_OUTLINE_ENTRIES) return entries;
  const top = Math.min(...entries.map((e) => e.level));
  let pool = entries.filter((e) => e.level === top);
  if (pool.length < MAX_OUTLINE_ENTRIES) pool = entries.filter((e) => e.level <= top + 1);
  if (pool.length <= MAX_OUTLINE_ENTRIES) return pool;
  const step = pool.length / MAX_OUTLINE_ENTRIES;
  return Array.from({ length: MAX_OUTLINE_ENTRIES }, (_, i) => pool[Math.floor(i * step)]);
}

/** A section runs to the line before the next entry at its level or above, or to the window's end. */
function sectionEnd(entry: OutlineEntry, entries: OutlineEntry[], lastLine: number): number {
  const next = entries.find((e) => e.line > entry.line && e.level <= entry.level);
  return next ? next.line - 1 : lastLine;
}

function cut(text: string): string {
  return text.length <= MAX_QUOTE_CHARS ? text : text.slice(0, MAX_QUOTE_CHARS - 1) + '…';
}

/** File text as inline code: a fence longer than any backtick run inside, so nothing in it is Markdown or a citation. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Heading text as Markdown text: its markup characters (and so any `[n]`) stay literal. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (ch) => `\\${ch}`);
}
