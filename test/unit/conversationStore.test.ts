// The panel's conversations in the workspace's storage: what a reload reads back, the bounds, deletion.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversationStore, MAX_CONVERSATIONS, MAX_CONVERSATION_CHARS, type KeyValueStorage } from '../../src/extension/conversationStore';
import type { RagEvent } from '../../src/protocol/events';
import type { Turn } from '../../src/protocol/webview';

/** VS Code's Memento as the extension sees it: values go through JSON, as workspaceState stores them. */
class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : JSON.parse(value) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
}

function turn(id: number, question: string, answer: string[], status: Turn['status'] = 'done'): Turn {
  const events: RagEvent[] = [
    { type: 'retrieval_start', t: 0, query: question },
    ...answer.map((text, i): RagEvent => ({ type: 'token', t: i + 1, text })),
  ];
  if (status === 'done') events.push({ type: 'generation_done', t: 99, totalMs: 99, ttftMs: 1, tokens: answer.length, cited: [], uncited: [] });
  return { id, question, events, status };
}

describe('conversation store (workspace storage)', () => {
  it('reads back what was saved, newest first, with the answer\'s tokens joined into one event', async () => {
    const storage = new MemoryStorage();
    const first = new ConversationStore(storage);
    await first.save({ id: 'a', turns: [turn(1, 'How long does a session last?', ['One ', 'hour ', '[1].'])] });
    await first.save({ id: 'b', turns: [turn(1, 'Where is the pool   size\nset?', ['In ', 'pool.ts.'])] });
    const reloaded = new ConversationStore(storage); // a window reload: a new store over the same storage
    assert.deepEqual(reloaded.list().map((c) => [c.id, c.title, c.questions]), [['b', 'Where is the pool size set?', 1], ['a', 'How long does a session last?', 1]]);
    const a = reloaded.get('a')!;
    const tokens = a.turns[0].events.filter((e) => e.type === 'token');
    assert.deepEqual(tokens.map((e) => e.type === 'token' && e.text), ['One hour [1].']);
    assert.equal(a.turns[0].events.at(-1)!.type, 'generation_done');
  });

  it('an answer cut off by a reload reopens as stopped, never as still streaming', async () => {
    const storage = new MemoryStorage();
    await new ConversationStore(storage).save({ id: 'a', turns: [turn(1, 'q', ['partial '], 'streaming')] });
    assert.equal(new ConversationStore(storage).get('a')!.turns[0].status, 'stopped');
  });

  it('keeps at most MAX_CONVERSATIONS, dropping the oldest and their stored turns', async () => {
    const storage = new MemoryStorage();
    const store = new ConversationStore(storage);
    for (let i = 0; i < MAX_CONVERSATIONS + 3; i++) await store.save({ id: `c${i}`, turns: [turn(1, `question ${i}`, ['answer'])] });
    const list = store.list();
    assert.equal(list.length, MAX_CONVERSATIONS);
    assert.equal(list[0].id, `c${MAX_CONVERSATIONS + 2}`);
    assert.equal(store.get('c0'), undefined);
    assert.equal(storage.values.size, MAX_CONVERSATIONS + 1, 'the list and one key per kept conversation');
  });

  it('a long conversation keeps its newest turns within the size bound', async () => {
    const storage = new MemoryStorage();
    const store = new ConversationStore(storage);
    const long = 'x'.repeat(30_000);
    const turns = Array.from({ length: 12 }, (_, i) => turn(i + 1, `question ${i + 1}`, [long]));
    await store.save({ id: 'long', turns });
    const kept = store.get('long')!.turns;
    assert.ok(kept.length < 12 && kept.length >= 5, `${kept.length} turns kept`);
    assert.equal(kept.at(-1)!.question, 'question 12');
    assert.ok(JSON.stringify(kept).length <= MAX_CONVERSATION_CHARS);
  });

  it('deletes a conversation and its turns', async () => {
    const storage = new MemoryStorage();
    const store = new ConversationStore(storage);
    await store.save({ id: 'a', turns: [turn(1, 'q1', ['a1'])] });
    await store.save({ id: 'b', turns: [turn(1, 'q2', ['a2'])] });
    await store.delete('a');
    assert.deepEqual(store.list().map((c) => c.id), ['b']);
    assert.equal(store.get('a'), undefined);
    assert.ok(![...storage.values.keys()].some((k) => k.endsWith('.a')));
  });
});
