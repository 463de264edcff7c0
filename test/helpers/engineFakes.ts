import type { Source } from '../../src/protocol/events';
import type { AsyncStreamingLlm, ChatMessage, Retriever, SyncStreamingLlm, ToolCall, ToolCallingLlm, TurnOptions } from '../../src/engine/strategies';

export function source(path: string, text = `text of ${path}`, startLine = 1): Source {
  return { path, startLine, endLine: startLine + text.split('\n').length - 1, score: 1, text };
}

export function fixedRetriever(sources: Source[], generate?: Retriever['generate']): Retriever {
  return { retrieve: () => sources, generate };
}

/** What a scripted model saw and how it was shut down. */
export interface LlmProbe {
  prompts: string[];
  signal?: AbortSignal;
  returned: boolean;
  finallyRan: boolean;
}

/**
 * An async model that yields `tokens`, pausing `delayMs` before each, and after `stallAfter` tokens
 * waits forever unless its signal aborts: the shape of an HTTP stream that stops sending.
 */
export function scriptedLlm(tokens: string[], options: { delayMs?: number; stallAfter?: number; failAfter?: number; info?: { provider: string; model: string } } = {}): AsyncStreamingLlm & { probe: LlmProbe } {
  const probe: LlmProbe = { prompts: [], returned: false, finallyRan: false };
  return {
    probe,
    info: options.info,
    astream(prompt, { signal }) {
      probe.prompts.push(prompt);
      probe.signal = signal;
      const generator = (async function* () {
        try {
          for (let i = 0; i < tokens.length; i++) {
            if (options.stallAfter !== undefined && i >= options.stallAfter) await waitForAbort(signal);
            if (options.failAfter !== undefined && i >= options.failAfter) throw new Error('connection reset by peer');
            if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
            yield tokens[i];
          }
        } finally {
          probe.finallyRan = true;
        }
      })();
      const originalReturn = generator.return.bind(generator);
      generator.return = (value) => {
        probe.returned = true;
        return originalReturn(value);
      };
      return generator;
    },
  };
}

/** Resolves never; rejects when the signal aborts, as fetch does. */
export function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), { once: true });
  });
}

export function syncLlm(tokens: string[]): SyncStreamingLlm & { returned: () => boolean } {
  let returned = false;
  return {
    returned: () => returned,
    stream() {
      return (function* () {
        try {
          yield* tokens;
        } finally {
          returned = true;
        }
      })();
    },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A model that plays one scripted turn per request (text, then tool calls) and records what it was sent. */
export function toolModel(turns: { text?: string; waitMs?: number; calls?: { name?: string; arguments: string }[] }[]) {
  const seen: { messages: ChatMessage[]; options: TurnOptions }[] = [];
  const llm: ToolCallingLlm & { seen: typeof seen } = {
    seen,
    info: { provider: 'test', model: 'tools' },
    async *astream() {
      yield 'not used';
    },
    async *astreamTurn(messages, options) {
      seen.push({ messages: [...messages], options });
      const turn = turns[seen.length - 1] ?? { text: 'done' };
      if (turn.waitMs) await new Promise((r) => setTimeout(r, turn.waitMs));
      if (turn.text) yield turn.text;
      for (const [i, call] of (turn.calls ?? []).entries()) yield { id: `c${seen.length}-${i}`, name: call.name ?? 'search', arguments: call.arguments } satisfies ToolCall;
    },
  };
  return llm;
}
