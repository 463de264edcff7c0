import type { ModelInfo, Source, Strategy } from '../protocol/events';
import { sleep } from './deadline';

/** A model that streams natively (Ollama, OpenAI-compatible servers, VS Code's chat model). */
export interface AsyncStreamingLlm {
  astream(prompt: string, options: { signal: AbortSignal }): AsyncIterable<string>;
  /** Shown in `generation_start`; may change when an automatic choice falls back to another provider. */
  readonly info?: ModelInfo;
}

/** A model that yields tokens from a synchronous iterable. */
export interface SyncStreamingLlm {
  stream(prompt: string): Iterable<string>;
  readonly info?: ModelInfo;
}

export type Llm = AsyncStreamingLlm | SyncStreamingLlm;

/** A tool the model may call: a name, what it does, and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool call the model asked for. `arguments` is its JSON text as sent, possibly malformed. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A provider-neutral conversation: each provider writes it in its own wire format. */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  | { role: 'tool'; callId: string; name: string; content: string };

export interface TurnOptions {
  signal: AbortSignal;
  /** Tools offered for this turn; none (or an empty list) means the model answers in text only. */
  tools?: ToolSpec[];
  /** `none`: the tools are listed (the conversation holds calls to them) but may not be called now. */
  toolChoice?: 'auto' | 'none';
}

/**
 * A model that can be offered tools. One turn streams its text, then yields the tool calls it asked
 * for (if any) after the text. A model or server without tool calling answers the turn in text,
 * as `astream` would: offering tools is never an error.
 */
export interface ToolCallingLlm extends AsyncStreamingLlm {
  astreamTurn(messages: ChatMessage[], options: TurnOptions): AsyncIterable<string | ToolCall>;
}

export function canCallTools(llm: Llm | undefined): llm is ToolCallingLlm {
  return typeof (llm as ToolCallingLlm | undefined)?.astreamTurn === 'function';
}

/** Finds the passages for a question; optionally writes a whole answer from them (the simulated strategy). */
export interface Retriever {
  retrieve(query: string, options: { signal: AbortSignal }): Source[] | Promise<Source[]>;
  generate?(query: string, sources: Source[], options: { signal: AbortSignal }): string | Promise<string>;
  /** Names the whole-answer generator in `generation_start`. */
  readonly info?: ModelInfo;
  /**
   * More passages for a search the model asked for, best first, leaving out those in `exclude` (already
   * shown). Without it, the model is offered no search tool.
   */
  searchMore?(query: string, options: { signal: AbortSignal; exclude: readonly Source[] }): Promise<Source[]>;
}

/** Everything one generation needs, whatever the strategy. */
export interface GenerationRequest {
  prompt: string;
  query: string;
  sources: Source[];
  signal: AbortSignal;
}

/** Picks the strategy the seed describes: native async stream, then sync iterable, then a re-chunked whole answer. */
export function selectStrategy(llm: Llm | undefined, retriever: Retriever): Strategy {
  if (llm && typeof (llm as AsyncStreamingLlm).astream === 'function') return 'async';
  if (llm && typeof (llm as SyncStreamingLlm).stream === 'function') return 'sync';
  if (typeof retriever.generate === 'function') return 'simulated';
  throw new TypeError(
    'StreamingRag needs a way to answer: pass an llm with astream(prompt, { signal }) or stream(prompt), '
    + 'or a retriever with generate(query, sources) for whole answers.',
  );
}

/** Opens the token stream of one generation as an async iterator the engine can race, abort and close. */
export function openTokenStream(strategy: Strategy, llm: Llm | undefined, retriever: Retriever,
  request: GenerationRequest, config: { chunkSize: number; simDelay: number }): AsyncIterator<string> {
  switch (strategy) {
    case 'async':
      return (llm as AsyncStreamingLlm).astream(request.prompt, { signal: request.signal })[Symbol.asyncIterator]();
    case 'sync':
      return bridgeSync((llm as SyncStreamingLlm).stream(request.prompt), request.signal);
    case 'simulated':
      return simulate(() => retriever.generate!(request.query, request.sources, { signal: request.signal }), config, request.signal);
  }
}

/**
 * Pulls a synchronous iterable one token per macrotask, so timers, I/O and the abort signal get
 * their turn between tokens and the extension host never stalls on a long answer.
 */
async function* bridgeSync(iterable: Iterable<string>, signal: AbortSignal): AsyncGenerator<string> {
  const iterator = iterable[Symbol.iterator]();
  try {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) return;
      const next = iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    iterator.return?.();
  }
}

/** Streams a whole answer in `chunkSize`-word pieces, `simDelay` apart. Whitespace and newlines are kept. */
async function* simulate(generate: () => string | Promise<string>, config: { chunkSize: number; simDelay: number },
  signal: AbortSignal): AsyncGenerator<string> {
  const answer = await generate();
  const chunks = chunkWords(typeof answer === 'string' ? answer : String(answer ?? ''), config.chunkSize);
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && config.simDelay > 0) await sleep(config.simDelay, signal);
    yield chunks[i];
  }
}

/** Splits text into pieces of `size` words, each keeping its trailing whitespace, so joining them restores the text. */
export function chunkWords(text: string, size: number): string[] {
  const words = text.match(/^\s+|\S+\s*/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += size) chunks.push(words.slice(i, i + size).join(''));
  return chunks;
}
