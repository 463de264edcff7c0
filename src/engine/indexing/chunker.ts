import { createHash } from 'node:crypto';
import type { ChunkSettings } from '../../protocol/indexThread';
import { detach } from '../text/detach';
import { countTokens, truncateToTokens } from '../tokens';
import { isMarkdownLike, languageOf } from './languages';

/** A line range of one file: the unit that is embedded, searched, shown and cited. */
export interface Chunk {
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  language: string;
  /** Hash of `text`: equal chunks need no new embedding. */
  hash: string;
  text: string;
  /** The nearest heading or top-level declaration above the chunk, so the chunk is findable by where it lives. */
  context: string;
}

/** 512 tokens fit every embedding model we support and keep a passage small enough to cite precisely. */
export const DEFAULT_MAX_CHUNK_TOKENS = 512;
/** About 40 lines of code: one function or one section of a document. */
export const DEFAULT_TARGET_CHARS = 1400;
const MAX_CONTEXT_CHARS = 120;

/** Top-level declarations across common languages: where a reader would start a new passage. */
const DECLARATION = new RegExp('^(?:export\\s+(?:default\\s+)?)?(?:(?:public|private|protected|internal|static|abstract|final|sealed|override|async|pub(?:\\([^)]*\\))?|unsafe|extern|inline|virtual|open|data|suspend)\\s+)*'
  + '(?:function\\*?|class|interface|type|enum|struct|trait|impl|fn|def|func|const|let|var|module|namespace|object|record|protocol|extension|typedef|template|macro_rules!|describe|it|test|suite)\\b');
const DECORATOR_OR_COMMENT = /^(?:@\w|#\[|\/\/|\/\*|\*|#(?!\w)|"""|''')/;
const HEADING = /^(#{1,6})\s+\S/;

/**
 * Splits a file into chunks of whole lines, cutting preferably before top-level declarations (with
 * the comments and decorators attached to them) or Markdown headings, else at blank lines, never
 * above `maxTokens`. Line numbers are 1-based and exact.
 */
export function chunkFile(path: string, text: string, options: ChunkSettings = {}): Chunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_CHUNK_TOKENS;
  const targetChars = options.targetChars ?? DEFAULT_TARGET_CHARS;
  const minChars = Math.floor(targetChars * 0.3);
  const language = languageOf(path);
  const prose = isMarkdownLike(language);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.every((line) => line.trim() === '')) return [];

  const strong = strongBoundaries(lines, prose);
  const contexts = contextLines(lines, prose);
  const ranges: [number, number][] = [];
  let start = 0;
  let size = 0;
  // A chunk that begins mid-declaration (its head was cut for size) ends at the next declaration, however short.
  let startsMidBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const length = lines[i].length + 1;
    if (i > start && strong[i] && (size >= minChars || startsMidBlock)) {
      ranges.push([start, i]);
      start = i;
      size = 0;
      startsMidBlock = false;
    } else if (i > start && size + length > targetChars) {
      const cut = bestCut(lines, strong, start, i, minChars);
      ranges.push([start, cut]);
      startsMidBlock = !strong[cut];
      start = cut;
      size = lines.slice(cut, i).reduce((sum, line) => sum + line.length + 1, 0);
    }
    size += length;
  }
  ranges.push([start, lines.length]);

  const chunks: Chunk[] = [];
  for (const [from, to] of ranges) {
    for (const { from: a, to: b, text: body } of capTokens(lines, from, to, maxTokens)) {
      if (body.trim() === '') continue;
      const context = contexts[a] !== undefined && contexts[a] !== a ? detach(lines[contexts[a]!].trim().slice(0, MAX_CONTEXT_CHARS)) : '';
      // A one-line chunk is a view into the file's text; the index must hold only the chunk.
      chunks.push({ path, startLine: a + 1, endLine: b, language, hash: hashText(body), text: b - a === 1 ? detach(body) : body, context });
    }
  }
  return chunks;
}

/** The text an embedder sees: where the chunk lives, then the chunk itself. */
export function embeddingText(chunk: Pick<Chunk, 'path' | 'context' | 'text'>): string {
  return chunk.context ? `${chunk.path}\n${chunk.context}\n${chunk.text}` : `${chunk.path}\n${chunk.text}`;
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20);
}

/** `strong[i]`: a new passage naturally starts at line i. */
function strongBoundaries(lines: string[], prose: boolean): boolean[] {
  const strong = new Array<boolean>(lines.length).fill(false);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (prose ? HEADING.test(line) : DECLARATION.test(line)) {
      // Comments and decorators right above a declaration belong to it.
      let j = i;
      while (!prose && j > 0 && DECORATOR_OR_COMMENT.test(lines[j - 1].trimStart()) && lines[j - 1].trim() !== '') j--;
      strong[j] = true;
    }
  }
  return strong;
}

/** `contexts[i]`: the line index of the nearest heading or top-level declaration at or above line i. */
function contextLines(lines: string[], prose: boolean): (number | undefined)[] {
  const contexts: (number | undefined)[] = [];
  let current: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (prose ? HEADING.test(lines[i]) : DECLARATION.test(lines[i])) current = i;
    contexts.push(current);
  }
  return contexts;
}

/** Where to end a chunk that grew past its target: the last declaration, else the last blank line, else here. */
function bestCut(lines: string[], strong: boolean[], start: number, end: number, minChars: number): number {
  let size = 0;
  let blank = -1;
  let declaration = -1;
  for (let i = start; i < end; i++) {
    if (i > start && size >= minChars) {
      if (strong[i]) declaration = i;
      if (lines[i - 1].trim() === '') blank = i;
    }
    size += lines[i].length + 1;
  }
  return declaration > 0 ? declaration : blank > 0 ? blank : end;
}

/** Splits a line range until each piece is within the token cap; a single line over the cap is cut to it. */
function capTokens(lines: string[], from: number, to: number, maxTokens: number): { from: number; to: number; text: string }[] {
  const text = lines.slice(from, to).join('\n');
  // A token is at least one byte, so a short passage needs no tokenizer run.
  if (Buffer.byteLength(text) <= maxTokens || countTokens(text) <= maxTokens) return [{ from, to, text }];
  if (to - from === 1) return [{ from, to, text: truncateToTokens(text, maxTokens) }];
  const middle = from + Math.ceil((to - from) / 2);
  return [...capTokens(lines, from, middle, maxTokens), ...capTokens(lines, middle, to, maxTokens)];
}
