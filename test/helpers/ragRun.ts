import type { ErrorEvent, GenerationStartEvent, RagEvent } from '../../src/protocol/events';
import type { StreamConfig } from '../../src/engine/streamConfig';
import type { AsyncStreamingLlm } from '../../src/engine/strategies';
import { StreamingRag } from '../../src/engine/streamingRag';
import { fixedRetriever, source } from './engineFakes';

/** The sources every provider test answers from. */
export const SESSION_SOURCES = [source('src/auth/session.ts', 'export const SESSION_TTL_MS = 60 * 60 * 1000;', 4)];

export interface RagRun {
  events: RagEvent[];
  /** The streamed answer: every token's text, in order. */
  answer: string;
  tokens: string[];
  starts: GenerationStartEvent[];
  error: ErrorEvent | undefined;
  last: RagEvent;
}

/** Asks `llm` one question through the real engine with fixed sources, collecting every event. */
export async function askThroughEngine(llm: AsyncStreamingLlm, options: { config?: Partial<StreamConfig>; signal?: AbortSignal; stopAfterTokens?: number } = {}): Promise<RagRun> {
  const rag = new StreamingRag({ retriever: fixedRetriever(SESSION_SOURCES), llm, config: { generationTimeout: 10_000, ...options.config } });
  const events: RagEvent[] = [];
  let tokenCount = 0;
  for await (const event of rag.events('how long does a session last?', { signal: options.signal })) {
    events.push(event);
    if (event.type === 'token' && ++tokenCount === options.stopAfterTokens) break;
  }
  const tokens = events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
  return {
    events, tokens, answer: tokens.join(''),
    starts: events.filter((e): e is GenerationStartEvent => e.type === 'generation_start'),
    error: events.find((e): e is ErrorEvent => e.type === 'error'),
    last: events[events.length - 1],
  };
}
