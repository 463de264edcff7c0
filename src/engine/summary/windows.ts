import { countTokens } from '../tokens';
import { readLines } from './fileLines';

/** What a first pass over a file learns: its size in characters, lines and tokens, and each line's size. */
export interface FileScan {
  characters: number;
  lines: number;
  /** gpt-tokenizer's count (special tokens as text); null when not counted. */
  tokens: number | null;
  /** Size of line i + 1 with its line break, in tokens when counted, else characters: 4 bytes a line, not the text. */
  lineSizes: Uint32Array;
}

/** A window of the file: 1-based inclusive lines. `overlapLines` of its start repeat the previous window's end. */
export interface FileWindow {
  index: number;
  startLine: number;
  endLine: number;
  /** How many of its first lines the previous window already had (0 for the first). */
  overlapLines: number;
}

/**
 * Measures a file line by line without keeping its text. Tokens are counted only when asked: a model's
 * windows must fit its context, but counting takes about a second a megabyte of a log.
 */
export async function scanFile(file: string, options: { tokens: boolean; signal?: AbortSignal }): Promise<FileScan> {
  let lineSizes = new Uint32Array(1024);
  let lines = 0;
  let characters = 0;
  let tokens = 0;
  for await (const batch of readLines(file, options.signal)) for (const line of batch) {
    if (lines === lineSizes.length) {
      const grown = new Uint32Array(lineSizes.length * 2);
      grown.set(lineSizes);
      lineSizes = grown;
    }
    // The line break counts as one character and one token, as it does in the prompt.
    const size = options.tokens ? countTokens(line) + 1 : line.length + 1;
    lineSizes[lines++] = size;
    characters += line.length + 1;
    tokens += size;
  }
  return { characters: Math.max(0, characters - (lines > 0 ? 1 : 0)), lines, tokens: options.tokens ? tokens : null, lineSizes: lineSizes.subarray(0, lines) };
}

/**
 * Cuts lines into windows of at most `windowSize` (tokens or characters, as `lineSizes` counts; a longer
 * line is a window of its own, cut when read), each starting with up to `overlapSize` of the previous
 * window's last lines, so a sentence or a declaration across a boundary is seen whole at least once.
 */
export function cutWindows(lineSizes: Uint32Array, windowSize: number, overlapSize: number): FileWindow[] {
  const windows: FileWindow[] = [];
  let start = 0; // 0-based first line of the next window's own (non-overlapping) text
  let overlap = 0;
  while (start < lineSizes.length) {
    let used = 0;
    for (let i = start - overlap; i < start; i++) used += lineSizes[i];
    if (used + lineSizes[start] > windowSize) {
      overlap = 0; // a long first line needs the whole window
      used = 0;
    }
    let end = start;
    while (end < lineSizes.length && (end === start || used + lineSizes[end] <= windowSize)) used += lineSizes[end++];
    windows.push({ index: windows.length + 1, startLine: start - overlap + 1, endLine: end, overlapLines: overlap });
    // The next window repeats this one's last lines within the overlap budget, never the whole window.
    overlap = 0;
    let carried = 0;
    while (overlap < end - start - 1 && carried + lineSizes[end - 1 - overlap] <= overlapSize) carried += lineSizes[end - 1 - overlap++];
    start = end;
  }
  return windows;
}

const BEGIN_KEY = /-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY/;
const END_KEY = /-----END[A-Z0-9 ]{0,30}PRIVATE KEY/;

/** One window's lines, the overlap included. A line longer than the whole window is cut to fit. */
export interface WindowText extends FileWindow {
  lines: string[];
}

/** Reads the file a second time, one window at a time: at most one window (and its overlap) is held. */
export async function* readWindows(file: string, windows: readonly FileWindow[], cutLongLine: (line: string) => string, signal?: AbortSignal): AsyncGenerator<WindowText> {
  let at = 0;
  let lineNumber = 0;
  let lines: string[] = [];
  let inKeyBlock = false;
  for await (const batch of readLines(file, signal)) for (const read of batch) {
    lineNumber++;
    // A private key's lines are dropped here, line by line: a window that starts inside the block has no
    // BEGIN line for the redaction of its text to recognise.
    let line = read;
    if (inKeyBlock) {
      if (END_KEY.test(line)) inKeyBlock = false;
      line = '«redacted: private-key»';
    } else if (BEGIN_KEY.test(line) && !END_KEY.test(line)) {
      inKeyBlock = true;
    }
    const window = windows[at];
    if (!window) return;
    lines.push(lines.length === 0 && window.startLine === window.endLine ? cutLongLine(line) : line);
    if (lineNumber < window.endLine) continue;
    yield { ...window, lines };
    const next = windows[at + 1];
    lines = next ? lines.slice(lines.length - next.overlapLines) : [];
    at++;
  }
}
