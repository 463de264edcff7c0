/**
 * The offline answer as `ask --provider offline` gives it: an answer session over the package's index
 * retrieves the sources and writes the extractive answer. What is measured is the file of the first
 * passage the answer quotes: the source of the first `[n]` in its text.
 */
import type { SearchIndex } from '../src/engine/indexing/searchIndex';
import { AnswerSession } from '../src/engine/session/answerSession';

export interface OfflineQuote {
  /** Path of the source the first citation points at; null when the answer cites nothing. */
  firstQuotedPath: string | null;
}

/** A citation as the answer writes it; `\[1]` is a bracket quoted from a file, not a citation. */
const CITATION = /(?<!\\)\[(\d+)\]/;

/**
 * Answers questions offline over one index that is already up to date (the session does not sync a
 * non-empty index), with the CLI's default number of sources. The index stays the caller's to close.
 */
export class OfflineAnswers {
  private readonly session: AnswerSession;

  constructor(index: SearchIndex) {
    this.session = new AnswerSession({
      folders: [{ name: 'package', root: '/eval-package', indexDir: '/eval-index' }],
      providers: { choice: 'offline' },
      openIndex: async () => index,
    });
  }

  async firstQuote(question: string): Promise<OfflineQuote> {
    const sources = new Map<number, string>();
    let answer = '';
    for await (const event of this.session.ask(question)) {
      if (event.type === 'source') sources.set(event.index, event.path);
      else if (event.type === 'token') answer += event.text;
      else if (event.type === 'error') throw new Error(`The offline answer failed: ${event.message}`);
    }
    const cited = CITATION.exec(answer);
    return { firstQuotedPath: cited ? sources.get(Number(cited[1])) ?? null : null };
  }
}
