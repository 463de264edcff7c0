// The engine's side of progressive context, with a scripted tool-calling model: numbering across waves, what
// the search is told to leave out, the bounds of time and tokens, failures that become tool results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery } from '../../src/engine/progressiveContext';
import type { Retriever, ToolCallingLlm } from '../../src/engine/strategies';
import type { StreamConfig } from '../../src/engine/streamConfig';
import { StreamingRag } from '../../src/engine/streamingRag';
import type { ContextUpdateEvent, RagEvent, Source } from '../../src/protocol/events';
import { source, toolModel } from '../helpers/engineFakes';

function retriever(first: Source[], more: (query: string, exclude: readonly Source[]) => Source[] | Promise<Source[]>): Retriever {
  return { retrieve: () => first, searchMore: async (query, { exclude }) => more(query, exclude) };
}

async function run(llm: ToolCallingLlm, r: Retriever, config: Partial<StreamConfig> = {}): Promise<RagEvent[]> {
  const events: RagEvent[] = [];
  for await (const event of new StreamingRag({ retriever: r, llm, config }).events('how are sessions checked?')) events.push(event);
  return events;
}

const search = (query: string) => ({ arguments: JSON.stringify({ query }) });
const waves = (events: RagEvent[]) => events.filter((e): e is ContextUpdateEvent => e.type === 'context_update');

describe('progressive context in the engine', () => {
  it('numbers each wave after the sources before it, and counts citations of every wave as valid', async () => {
    const llm = toolModel([{ calls: [search('jwt')] }, { calls: [search('pool')] }, { text: 'Signed [3], pooled [4], checked [1]; not [9].' }]);
    const more = (query: string) => (query === 'jwt' ? [source('src/jwt.ts'), source('src/sign.ts')] : [source('src/pool.ts')]);
    const events = await run(llm, retriever([source('a.ts'), source('b.ts')], more));
    assert.deepEqual(waves(events).map((w) => [w.wave, w.sources.map((s) => [s.index, s.path])]),
      [[2, [[3, 'src/jwt.ts'], [4, 'src/sign.ts']]], [3, [[5, 'src/pool.ts']]]]);
    const citations = events.filter((e) => e.type === 'citation').map((e) => e.type === 'citation' && [e.index, e.valid]);
    assert.deepEqual(citations, [[3, true], [4, true], [1, true], [9, false]]);
    const done = events.at(-1);
    assert.ok(done?.type === 'generation_done');
    assert.deepEqual(done.cited, [1, 3, 4]);
    assert.deepEqual(done.uncited, [2, 5]);
    // The model's second request holds the first search's result, numbered as the cards are.
    const result = llm.seen[1].messages.at(-1);
    assert.ok(result?.role === 'tool');
    assert.match(result.content, /<source id="3" path="src\/jwt\.ts"[\s\S]*<source id="4" path="src\/sign\.ts"/);
  });

  it('tells the search which passages are shown already, the later waves included', async () => {
    const excluded: string[][] = [];
    const llm = toolModel([{ calls: [search('one')] }, { calls: [search('two')] }, { text: 'ok' }]);
    await run(llm, retriever([source('a.ts')], (query, exclude) => {
      excluded.push(exclude.map((s) => s.path));
      return [source(`${query}.ts`)];
    }));
    assert.deepEqual(excluded, [['a.ts'], ['a.ts', 'one.ts']]);
  });

  it('refuses searches once the time for them is over, and the answer goes on', async () => {
    const llm = toolModel([{ calls: [search('late')], waitMs: 30 }, { text: 'From what I have [1].' }]);
    const events = await run(llm, retriever([source('a.ts')], async () => [source('never.ts')]), { extraSearchTime: 10 });
    assert.equal(waves(events).length, 0);
    const result = llm.seen[1].messages.at(-1);
    assert.ok(result?.role === 'tool');
    assert.match(result.content, /time for searching is over/);
    assert.equal(llm.seen[1].options.toolChoice, 'none');
    assert.equal(events.at(-1)?.type, 'generation_done');
  });

  it('keeps the extra passages within their token budget', async () => {
    const long = 'const x = 1; // a long line of code\n'.repeat(60);
    const llm = toolModel([{ calls: [search('big')] }, { text: 'ok' }]);
    const events = await run(llm, retriever([source('a.ts')], () => [source('big1.ts', long), source('big2.ts', long), source('big3.ts', long)]),
      { extraContextTokens: 300, maxDocChars: 5000 });
    const [wave] = waves(events);
    assert.ok(wave.sources.length >= 1 && wave.sources.length < 3, `${wave.sources.length} sources fit in 300 tokens`);
  });

  it('a failing search and an unknown tool become error results for the model, not a failed answer', async () => {
    const llm = toolModel([{ calls: [search('boom'), { name: 'delete_files', arguments: '{}' }] }, { text: 'Answer [1].' }]);
    const events = await run(llm, retriever([source('a.ts')], () => { throw new Error('index is closed'); }));
    assert.equal(events.at(-1)?.type, 'generation_done');
    const results = llm.seen[1].messages.filter((m) => m.role === 'tool').map((m) => m.role === 'tool' && m.content);
    assert.match(String(results[0]), /^Error: the search failed \(index is closed\)/);
    assert.match(String(results[1]), /^Error: there is no tool "delete_files"/);
  });

  it('offers no tool when extra searches are off or the retriever cannot search more', async () => {
    const off = toolModel([{ text: 'plain' }]);
    await run(off, retriever([source('a.ts')], () => []), { maxExtraSearches: 0 });
    assert.equal(off.seen.length, 0, 'answered through astream');
    const noSearch = toolModel([{ text: 'plain' }]);
    const events = [];
    for await (const e of new StreamingRag({ retriever: { retrieve: () => [source('a.ts')] }, llm: noSearch }).events('q')) events.push(e);
    assert.equal(noSearch.seen.length, 0);
  });

  it('reads a search query from JSON arguments, and says what is wrong with others', () => {
    assert.equal(parseQuery('{"query": "  session ttl "}'), 'session ttl');
    assert.deepEqual(parseQuery('{"query": '), { error: 'the arguments are not valid JSON: "{\\"query\\": ".' });
    assert.ok(typeof parseQuery('{"query": ""}') === 'object');
    assert.ok(typeof parseQuery('null') === 'object');
    assert.ok(typeof parseQuery('[1]') === 'object');
  });
});
