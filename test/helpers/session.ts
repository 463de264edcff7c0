import type { RagEvent } from '../../src/protocol/events';
import type { SearchIndex } from '../../src/engine/indexing/searchIndex';
import { AnswerSession, type AskOptions, type SessionConfig } from '../../src/engine/session/answerSession';
import type { ProviderSettings } from '../../src/engine/session/providerChoice';

/** A session over one in-process index (the `openIndex` seam), answering with `providers`. */
export function sessionOver(index: SearchIndex, providers: ProviderSettings, config: Partial<SessionConfig> = {}): AnswerSession {
  return new AnswerSession({
    folders: [{ name: 'ws', root: '/nonexistent-ws', indexDir: '/nonexistent-index' }],
    providers,
    openIndex: async () => index,
    ...config,
  });
}

/** Every event of one answer and its text. */
export async function askAll(session: AnswerSession, question: string, options: AskOptions = {}): Promise<{ events: RagEvent[]; answer: string }> {
  const events: RagEvent[] = [];
  for await (const event of session.ask(question, options)) events.push(event);
  return { events, answer: events.map((e) => (e.type === 'token' ? e.text : '')).join('') };
}
