// Progressive context through the real `openai` and `ollama` clients: the model calls the `search` tool in its
// wire format (OpenAI's streamed tool_calls deltas, Ollama's message.tool_calls), the session searches the real
// index for passages not shown yet, and the answer goes on with the new sources numbered after the first wave.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import type { AnswerSession } from '../../src/engine/session/answerSession';
import type { ContextUpdateEvent, RagEvent } from '../../src/protocol/events';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { askAll, sessionOver } from '../helpers/session';
import { SAMPLE_PROJECT, makeWorkspace, tempDir } from '../helpers/workspace';

const QUESTION = 'how long does a session last?';
const waves = (events: RagEvent[]) => events.filter((e): e is ContextUpdateEvent => e.type === 'context_update');
const sourceNumbers = (events: RagEvent[]) => events.flatMap((e) => (e.type === 'source' ? [e.index] : e.type === 'context_update' ? e.sources.map((s) => s.index) : []));

describe('progressive context through the protocol fakes', () => {
  let index: WorkspaceIndex;
  let openai: OpenAIFake;
  let ollama: OllamaFake;
  before(async () => {
    index = await WorkspaceIndex.open({ root: await makeWorkspace(SAMPLE_PROJECT), indexDir: await tempDir() });
    await index.sync();
    openai = await startOpenAIFake();
    ollama = await startOllamaFake();
  });
  after(async () => {
    await openai.close();
    await ollama.close();
  });
  beforeEach(() => {
    for (const fake of [openai, ollama]) {
      fake.chatReplies.length = 0;
      fake.requests.length = 0;
    }
    openai.rejectTools = false;
    ollama.noToolModels = [];
  });

  const openaiSession = (): AnswerSession => sessionOver(index, { choice: 'openai', openai: { baseURL: openai.baseURL } }, { k: 1 });
  const ollamaSession = (): AnswerSession => sessionOver(index, { choice: 'ollama', ollama: { host: ollama.url } }, { k: 1 });

  it('OpenAI: a search called in streamed tool_calls deltas adds a second wave, numbered on, that the answer cites', async () => {
    openai.chatReplies.push(
      { tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'rate limiting requests per minute' } }] },
      { tokens: ['Each client may send 100 requests per minute ', '[2]; sessions last one hour [1].'] },
    );
    const { events, answer } = await askAll(openaiSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    const [wave] = waves(events);
    assert.ok(wave, 'a context_update event');
    assert.equal(wave.wave, 2);
    assert.equal(wave.query, 'rate limiting requests per minute');
    assert.equal(wave.sources[0].index, 2, 'numbered after the one source of the first wave');
    assert.equal(wave.sources[0].path, 'docs/architecture.md');
    assert.match(wave.sources[0].snippet, /100 requests per minute/);
    const first = events.find((e) => e.type === 'source');
    assert.ok(first?.type === 'source');
    assert.ok(wave.sources.every((s) => s.path !== first.path), 'passages already shown are not shown again');
    assert.deepEqual(sourceNumbers(events), [1, ...wave.sources.map((_, i) => i + 2)], 'every number once, in order');
    const cite2 = events.find((e) => e.type === 'citation' && e.index === 2);
    assert.ok(cite2?.type === 'citation' && cite2.valid, 'a citation of the new source is valid');
    const done = events.at(-1);
    assert.ok(done?.type === 'generation_done' && done.cited.includes(1) && done.cited.includes(2), JSON.stringify(done));
    assert.match(answer, /100 requests per minute \[2\]/);

    const [ask, more] = openai.requestsTo('/v1/chat/completions');
    assert.equal(ask.body.tools[0].function.name, 'search');
    assert.equal(ask.body.tool_choice, 'auto');
    const call = more.body.messages[1];
    assert.equal(call.role, 'assistant');
    assert.equal(call.tool_calls[0].id, 'call_fake0');
    assert.deepEqual(JSON.parse(call.tool_calls[0].function.arguments), { query: 'rate limiting requests per minute' }, 'the pieces were joined');
    const result = more.body.messages[2];
    assert.equal(result.role, 'tool');
    assert.equal(result.tool_call_id, 'call_fake0');
    assert.match(result.content, /<source id="2" path="docs\/architecture\.md"/);
  });

  it('Ollama: a search in message.tool_calls adds a second wave, sent back as a tool message naming its tool', async () => {
    ollama.chatReplies.push(
      { tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'database connection pool size' } }] },
      { tokens: ['The pool holds DB_POOL_SIZE connections ', '[2].'] },
    );
    const { events } = await askAll(ollamaSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    const [wave] = waves(events);
    assert.equal(wave?.wave, 2);
    assert.equal(wave.sources[0].index, 2);
    assert.equal(wave.sources[0].path, 'src/db/pool.ts');
    const [ask, more] = ollama.requestsTo('/api/chat');
    assert.equal(ask.body.tools[0].function.name, 'search');
    assert.deepEqual(more.body.messages[1].tool_calls[0].function.arguments, { query: 'database connection pool size' });
    assert.equal(more.body.messages[2].role, 'tool');
    assert.equal(more.body.messages[2].tool_name, 'search');
    assert.match(more.body.messages[2].content, /<source id="2" path="src\/db\/pool\.ts"/);
  });

  it('refuses a fourth search with a tool result, then asks for the answer without further tool calls', async () => {
    const queries = ['rate limiting', 'database pool', 'password hash', 'jwt verify'];
    for (const query of queries) openai.chatReplies.push({ tokens: [], toolCalls: [{ name: 'search', arguments: { query } }] });
    openai.chatReplies.push({ tokens: ['Sessions last one hour [1].'] });
    const { events, answer } = await askAll(openaiSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    assert.deepEqual(waves(events).map((w) => [w.wave, w.query]), [[2, 'rate limiting'], [3, 'database pool'], [4, 'password hash']]);
    assert.equal(answer, 'Sessions last one hour [1].');
    const requests = openai.requestsTo('/v1/chat/completions');
    assert.equal(requests.length, 5);
    const refusal = requests[4].body.messages.at(-1);
    assert.equal(refusal.role, 'tool');
    assert.match(refusal.content, /No more searches: the limit of 3 extra searches is reached/);
    assert.equal(requests[4].body.tool_choice, 'none', 'the last turn may not call tools');
    const numbers = sourceNumbers(events);
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1), 'the waves number on without gaps');
  });

  it('answers a malformed tool call (arguments that are not JSON) with an error result, and goes on', async () => {
    openai.chatReplies.push(
      { tokens: [], toolCalls: [{ name: 'search', arguments: '{"query": "rate lim' }] },
      { tokens: ['Sessions last one hour [1].'] },
    );
    const { events, answer } = await askAll(openaiSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    assert.equal(waves(events).length, 0);
    assert.equal(answer, 'Sessions last one hour [1].');
    const result = openai.requestsTo('/v1/chat/completions')[1].body.messages.at(-1);
    assert.equal(result.role, 'tool');
    assert.match(result.content, /^Error: the arguments are not valid JSON/);
  });

  it('Ollama: a search call without a query gets an error result, not a crash', async () => {
    ollama.chatReplies.push({ tokens: [], toolCalls: [{ name: 'search', arguments: { q: 42 } }] }, { tokens: ['One hour [1].'] });
    const { events } = await askAll(ollamaSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    assert.match(ollama.requestsTo('/api/chat')[1].body.messages.at(-1).content, /need a non-empty "query" string/);
  });

  it('a stop during a tool round ends the answer as cancelled and closes the request in flight', async () => {
    ollama.chatReplies.push(
      { tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'rate limiting' } }] },
      { tokens: ['never sent'], firstTokenDelayMs: 30_000 },
    );
    const controller = new AbortController();
    const events: RagEvent[] = [];
    for await (const event of ollamaSession().ask(QUESTION, { signal: controller.signal })) {
      events.push(event);
      // Stop once the model is asked again with the new sources, while it "thinks".
      if (event.type === 'context_update') {
        const poll = setInterval(() => {
          if (ollama.requestsTo('/api/chat').length < 2) return;
          clearInterval(poll);
          controller.abort();
        }, 5);
      }
    }
    const last = events.at(-1);
    assert.ok(last?.type === 'error' && last.code === 'cancelled', JSON.stringify(last));
    const second = ollama.requestsTo('/api/chat')[1];
    await second.ended;
    assert.equal(second.closedByClient, true);
    assert.equal(events.filter((e) => e.type === 'token').length, 0);
  });

  it('an Ollama model without tool support answers as before, and is asked without tools from then on', async () => {
    ollama.noToolModels = ['llama3.2:latest'];
    const session = ollamaSession();
    const { events, answer } = await askAll(session, QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    assert.equal(answer, 'Sessions last one hour [1].');
    assert.equal(waves(events).length, 0);
    const [refused, asked] = ollama.requestsTo('/api/chat');
    assert.ok(refused.body.tools, 'tools were offered once');
    assert.equal(asked.body.tools, undefined);
    assert.equal(asked.body.messages.length, 1);
    await askAll(session, 'and how are passwords checked?');
    const requests = ollama.requestsTo('/api/chat');
    assert.equal(requests.length, 3, 'one request for the next question');
    assert.equal(requests[2].body.tools, undefined);
  });

  it('an OpenAI-compatible server that refuses tools (llama.cpp without --jinja) answers as before', async () => {
    openai.rejectTools = true;
    const { events, answer } = await askAll(openaiSession(), QUESTION);
    assert.equal(events.at(-1)?.type, 'generation_done', JSON.stringify(events.at(-1)));
    assert.equal(answer, 'Sessions last one hour [1].');
    const requests = openai.requestsTo('/v1/chat/completions');
    assert.equal(requests.length, 2);
    assert.equal(requests[1].body.tools, undefined);
  });
});
