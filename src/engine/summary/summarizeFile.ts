import type { ErrorEvent, ModelInfo, SourceEvent, SummaryEvent } from '../../protocol/events';
import { CitationScanner, type CitationMark } from '../citations';
import { raceDeadline } from '../deadline';
import { CancelledError, RagError } from '../errors';
import { redactSecrets } from '../indexing/redact';
import { sourceSnippets } from '../passages/snippet';
import type { AsyncStreamingLlm } from '../strategies';
import { closeQuietly, toErrorEvent } from '../streamingRag';
import { extractivePart } from './extractiveSummary';
import { checkTextFile } from './fileLines';
import { truncateToTokens } from '../tokens';
import { summaryPrompt } from './summaryPrompt';
import { cutWindows, readWindows, scanFile, type WindowText } from './windows';

/**
 * A window's text within this many tokens: with the instructions, the rolling summary and the answer, a
 * prompt stays under 5,000 tokens, inside the 8k context of small local models.
 */
export const WINDOW_TOKENS = 3000;
/** Lines repeated from the end of one window at the start of the next, so nothing is cut in half unseen. */
export const OVERLAP_TOKENS = 200;
/**
 * Offline there is no context to fit: windows grow so a file has at most this many, and its summary stays
 * a page or two however long the file is.
 */
export const MAX_OFFLINE_WINDOWS = 24;
/** The rolling summary kept between windows: well over the part of it a prompt takes (summaryPrompt.ts). */
const MAX_ROLLING_CHARS = 16_000;
/** Characters a token stands for on average, for sizing offline windows like a model's. */
const CHARS_PER_TOKEN = 4;

export interface SummarizeFileOptions {
  /** Absolute path of the file to read. */
  file: string;
  /** The path shown and sent in events (workspace-relative). */
  path: string;
  /** The model that writes the summary; without one, the summary is extractive. */
  llm?: AsyncStreamingLlm;
  signal?: AbortSignal;
  /** The first line of an offline summary: why it is extractive and how to get a written one. */
  offlineNotice?: string;
  windowTokens?: number;
  overlapTokens?: number;
  /** Sliding deadline: the longest wait for the model's first token of a window and between two tokens. */
  generationTimeout?: number;
}

const OFFLINE: ModelInfo = { provider: 'offline', model: 'extractive' };

/**
 * Summarises a long file as a stream of events. The file is measured (characters, lines, tokens) in a first
 * pass, then read again one window at a time: each window is summarised with the summary so far (by the
 * model, or extractively offline) and the summary streams as it is written. Each window's part starts with
 * its line range cited as a numbered source, so every surface links it like an answer's `[n]`. A failure in
 * a window ends the stream with `error` after the text written so far; `signal` stops it at once.
 */
export async function* summarizeFile(options: SummarizeFileOptions): AsyncGenerator<SummaryEvent> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(new CancelledError());
  if (options.signal?.aborted) forwardAbort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const signal = controller.signal;
  let stage: 'retrieval' | 'generation' = 'retrieval';
  const fail = (err: unknown): ErrorEvent => toErrorEvent(err, stage, elapsed());

  const citations = new CitationScanner();
  let sources = 0;
  let ttftMs: number | null = null;
  // Citation events come just before the token holding their mark, as in answers.
  function* release(shown: { text: string; marks: CitationMark[] }): Generator<SummaryEvent> {
    for (const mark of shown.marks) {
      for (const index of mark.numbers) yield { type: 'citation', t: elapsed(), index, valid: index >= 1 && index <= sources, offset: mark.offset, length: mark.length };
    }
    if (shown.text.length === 0) return;
    ttftMs ??= elapsed();
    yield { type: 'token', t: elapsed(), text: shown.text };
  }
  const write = (text: string) => release(citations.push(text));
  const source = (startLine: number, endLine: number, text: string): SourceEvent => {
    sources++;
    const [snippet] = sourceSnippets('', [{ path: options.path, startLine, endLine, score: 1, text }]);
    return { type: 'source', t: elapsed(), index: sources, path: options.path, startLine, endLine, score: 1, ...snippet };
  };

  try {
    let windows;
    let scan;
    let cutLongLine: (line: string) => string;
    try {
      await checkTextFile(options.file);
      // Offline there is no context to fit: windows are cut by characters, and the file's tokens are not counted.
      const windowTokens = options.windowTokens ?? WINDOW_TOKENS;
      scan = await scanFile(options.file, { tokens: options.llm !== undefined, signal });
      const windowSize = options.llm ? windowTokens : Math.max(windowTokens * CHARS_PER_TOKEN, Math.ceil(scan.characters / MAX_OFFLINE_WINDOWS));
      const overlap = (options.overlapTokens ?? OVERLAP_TOKENS) * (options.llm ? 1 : CHARS_PER_TOKEN);
      windows = cutWindows(scan.lineSizes, windowSize, overlap);
      cutLongLine = options.llm ? (line) => truncateToTokens(line, windowSize) : (line) => line.slice(0, windowSize);
    } catch (err) {
      yield fail(err);
      return;
    }
    const info = options.llm ? options.llm.info ?? { provider: 'llm', model: 'unknown' } : OFFLINE;
    yield { type: 'summary_start', t: 0, path: options.path, windows: windows.length, characters: scan.characters, lines: scan.lines, tokens: scan.tokens, ...info };
    scan = undefined; // the per-line counts are no longer needed

    stage = 'generation';
    if (!options.llm && options.offlineNotice) yield* write(options.offlineNotice + '\n\n');
    if (windows.length === 0) yield* write('_The file is empty._');
    let summarySoFar = '';
    try {
      for await (const window of readWindows(options.file, windows, cutLongLine, signal)) {
        if (signal.aborted) throw new CancelledError();
        const own = window.startLine + window.overlapLines;
        yield {
          type: 'summary_progress', t: elapsed(), window: window.index, windows: windows.length,
          percent: Math.round(((window.index - 1) / windows.length) * 1000) / 10, startLine: own, endLine: window.endLine,
        };
        const text = redactSecrets(options.path, window.lines.join('\n')).text;
        if (window.index > 1) yield* write('\n\n');
        if (options.llm) {
          yield source(own, window.endLine, text.split('\n').slice(window.overlapLines).join('\n'));
          yield* write(`**Lines ${own}–${window.endLine}** [${sources}]\n\n`);
          summarySoFar += (yield* modelPart(options.llm, window, windows.length, text, summarySoFar)) + '\n';
          // Only its latest part goes into a prompt: a file of hundreds of windows must not grow it without end.
          if (summarySoFar.length > MAX_ROLLING_CHARS) summarySoFar = summarySoFar.slice(-MAX_ROLLING_CHARS);
        } else {
          yield* offlinePart(window, text);
        }
      }
      if (signal.aborted) throw new CancelledError();
      yield* release(citations.flush());
    } catch (err) {
      yield* release(citations.flush()); // the text so far stays, whole
      controller.abort(err);
      yield fail(err);
      return;
    }
    const totalMs = elapsed();
    yield { type: 'summary_done', t: totalMs, totalMs, ttftMs, windows: windows.length };
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    if (!controller.signal.aborted) controller.abort(new CancelledError());
  }

  /** The model's part for one window, streamed; returns its text for the rolling summary. */
  async function* modelPart(llm: AsyncStreamingLlm, window: WindowText, total: number, text: string, sofar: string): AsyncGenerator<SummaryEvent, string> {
    const own = window.startLine + window.overlapLines;
    const prompt = summaryPrompt({ path: options.path, window: window.index, windows: total, startLine: own, endLine: window.endLine, text, summarySoFar: sofar });
    const timeout = options.generationTimeout ?? 60_000;
    const iterator = llm.astream(prompt, { signal })[Symbol.asyncIterator]();
    let part = '';
    try {
      for (;;) {
        const next = await raceDeadline(Promise.resolve().then(() => iterator.next()), timeout, signal, () => new RagError('generation_timeout',
          `The model sent nothing for ${Math.round(timeout / 1000)} s while summarising lines ${own}-${window.endLine}. Check the server, then try again.`));
        if (next.done) break;
        const piece = typeof next.value === 'string' ? next.value : String(next.value ?? '');
        if (piece.length === 0) continue;
        part += piece;
        yield* write(piece);
      }
    } finally {
      closeQuietly(iterator);
    }
    return part;
  }

  /** The extractive part for one window: its own lines' outline and best lines, each a cited source. */
  function* offlinePart(window: WindowText, text: string): Generator<SummaryEvent> {
    const own = window.startLine + window.overlapLines;
    const lines = text.split('\n').slice(window.overlapLines).map((line, i) => ({ line: own + i, text: line }));
    yield* write(`**Lines ${own}–${window.endLine}**\n\n`);
    const part = extractivePart(options.path, lines);
    if (part.items.length === 0) yield* write('_Only blank lines._');
    for (const [i, item] of part.items.entries()) {
      const sectionText = lines.slice(item.startLine - own, item.endLine - own + 1).map((l) => l.text).join('\n');
      yield source(item.startLine, item.endLine, sectionText);
      yield* write(`${i > 0 ? '\n' : ''}${item.markdown} [${sources}]`);
    }
    if (part.omitted > 0) yield* write(`\n- _and ${part.omitted} more ${part.omitted === 1 ? 'entry' : 'entries'} of the outline_`);
  }

}
