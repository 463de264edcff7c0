/**
 * The panel's conversations, kept in the workspace's storage (VS Code's workspaceState: on this machine, per
 * workspace) so they survive a window reload and a restart. Bounded: the newest conversations, each cut to
 * a size. No `vscode` import: the storage is any get/update pair, so this is tested in plain Node.
 */
import type { ConversationSummary, Turn } from '../protocol/webview';

/** What a Memento offers; VS Code's workspaceState is one. */
export interface KeyValueStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface Conversation {
  id: string;
  turns: Turn[];
}

/** Conversations kept: older ones are dropped as new ones are saved. */
export const MAX_CONVERSATIONS = 50;
/**
 * Each conversation's stored size (JSON characters): about twenty questions with their sources. A longer
 * conversation keeps its newest turns.
 */
export const MAX_CONVERSATION_CHARS = 200_000;
const TITLE_CHARS = 80;
const LIST_KEY = 'workspaceRag.conversations';
const itemKey = (id: string) => `workspaceRag.conversation.${id}`;

/** One key holds the list (small, read at start), one key each conversation (written when it changes). */
export class ConversationStore {
  constructor(private readonly storage: KeyValueStorage) {}

  /** Newest first. */
  list(): ConversationSummary[] {
    const list = this.storage.get<ConversationSummary[]>(LIST_KEY);
    return Array.isArray(list) ? list : [];
  }

  /** A stored conversation; an answer cut off by a reload shows as stopped. */
  get(id: string): Conversation | undefined {
    const turns = this.storage.get<Turn[]>(itemKey(id));
    if (!Array.isArray(turns) || !this.list().some((c) => c.id === id)) return undefined;
    return { id, turns: turns.map((t) => (t.status === 'streaming' ? { ...t, status: 'stopped' } : t)) };
  }

  /** Saves a conversation as the newest; drops the oldest beyond the bound. */
  async save(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return;
    const turns = bounded(conversation.turns.map(compact));
    const summary: ConversationSummary = {
      id: conversation.id, title: title(turns[0].question), updatedAt: Date.now(), questions: turns.length,
    };
    const list = [summary, ...this.list().filter((c) => c.id !== conversation.id)];
    await this.storage.update(itemKey(conversation.id), turns);
    for (const dropped of list.slice(MAX_CONVERSATIONS)) await this.storage.update(itemKey(dropped.id), undefined);
    await this.storage.update(LIST_KEY, list.slice(0, MAX_CONVERSATIONS));
  }

  async delete(id: string): Promise<void> {
    await this.storage.update(itemKey(id), undefined);
    await this.storage.update(LIST_KEY, this.list().filter((c) => c.id !== id));
  }
}

/** One token event per run of tokens: an answer's text in one piece instead of hundreds of events. */
function compact(turn: Turn): Turn {
  const events: Turn['events'] = [];
  for (const event of turn.events) {
    const last = events.at(-1);
    if (event.type === 'token' && last?.type === 'token') events[events.length - 1] = { ...last, text: last.text + event.text, t: event.t };
    else events.push(event);
  }
  return { ...turn, events };
}

/** The newest turns that fit the size bound (the newest always, however large). */
function bounded(turns: Turn[]): Turn[] {
  let size = 0;
  let first = turns.length;
  while (first > 0) {
    size += JSON.stringify(turns[first - 1]).length;
    if (size > MAX_CONVERSATION_CHARS && first < turns.length) break;
    first--;
  }
  return turns.slice(first);
}

function title(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
