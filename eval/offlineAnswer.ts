/**
 * The offline answer as `ask --provider offline` gives it: the engine retrieves the sources and writes the
 * extractive answer. What is measured is the file of the first passage the answer quotes: the source of
 * the first `[n]` in its text.
 */
import { createWorkspaceRag, type Searchable } from '../src/engine/workspaceRag';

/** Sources retrieved per question, as the CLI's `ask` does by default. */
const ASK_SOURCES = 8;

export interface OfflineQuote {
  /** Path of the source the first citation points at; null when the answer cites nothing. */
  firstQuotedPath: string | null;
}

/** A citation as the answer writes it; `\[1]` is a bracket quoted from a file, not a citation. */
const CITATION = /(?<!\\)\[(\d+)\]/;

export async function offlineFirstQuote(index: Searchable, question: string): Promise<OfflineQuote> {
  const rag = createWorkspaceRag({ index, k: ASK_SOURCES, config: { simDelay: 0 } });
  const sources = new Map<number, string>();
  let answer = '';
  for await (const event of rag.events(question)) {
    if (event.type === 'source') sources.set(event.index, event.path);
    else if (event.type === 'token') answer += event.text;
    else if (event.type === 'error') throw new Error(`The offline answer failed: ${event.message}`);
  }
  const cited = CITATION.exec(answer);
  return { firstQuotedPath: cited ? sources.get(Number(cited[1])) ?? null : null };
}
