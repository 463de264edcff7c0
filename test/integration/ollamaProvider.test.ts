import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OllamaChat, checkOllama, hasOllamaModel, normalizeOllamaHost } from '../../src/engine/providers/ollamaProvider';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { closedPort } from '../helpers/protocolServer';
import { askThroughEngine } from '../helpers/ragRun';

const TOKENS = ['Sessions ', 'last ', 'one ', 'hour ', '[1].'];
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

describe('Ollama provider against an NDJSON protocol fake', () => {
  let fake: OllamaFake;
  let llm: OllamaChat;
  before(async () => {
    fake = await startOllamaFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.chatReplies.length = 0;
    fake.defaultChat = { tokens: TOKENS };
    fake.requests.length = 0;
    llm = new OllamaChat({ host: fake.url, retry: FAST_RETRY });
  });

  it('streams exactly the tokens the server sent, in order, as one chat request with the prompt', async () => {
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(run.last.type, 'generation_done');
    assert.ok(run.last.type === 'generation_done' && run.last.tokens === TOKENS.length && run.last.cited.join() === '1');
    assert.equal(run.starts.length, 1);
    assert.deepEqual({ provider: run.starts[0].provider, model: run.starts[0].model, strategy: run.starts[0].strategy },
      { provider: 'ollama', model: 'llama3.2', strategy: 'async' });
    const [request] = fake.requestsTo('/api/chat');
    assert.equal(request.body.model, 'llama3.2');
    assert.equal(request.body.stream, true);
    assert.deepEqual(request.body.options, { num_ctx: 8192 }, 'a context window that holds the whole prompt, not Ollama\'s smaller default');
    assert.equal(request.body.messages.length, 1);
    assert.equal(request.body.messages[0].role, 'user');
    assert.match(request.body.messages[0].content, /SESSION_TTL_MS[\s\S]*how long does a session last\?/);
    assert.equal(request.closedByClient, false, 'a complete answer is read to the end, not cut off');
  });

  it('server not running (connection refused): connection_refused naming the host and `ollama serve`, no tokens', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const run = await askThroughEngine(new OllamaChat({ host, retry: FAST_RETRY }));
    assert.deepEqual(run.tokens, []);
    assert.deepEqual(run.error, {
      ...run.error, stage: 'generation', code: 'connection_refused',
      message: `Ollama is not running at ${host}. Start it with \`ollama serve\`, or choose another provider.`,
    });
  });

  it('model not installed (404): model_not_found saying `ollama pull NAME`, not retried', async () => {
    const run = await askThroughEngine(new OllamaChat({ host: fake.url, model: 'qwen2.5-coder:7b', retry: FAST_RETRY }));
    assert.equal(run.error?.code, 'model_not_found');
    assert.equal(run.error?.stage, 'generation');
    assert.equal(run.error?.message,
      `Ollama at ${fake.url} has no model "qwen2.5-coder:7b" (HTTP 404). Download it with \`ollama pull qwen2.5-coder:7b\`, or choose another model.`);
    assert.equal(fake.requestsTo('/api/chat').length, 1);
    assert.equal(run.starts[0].model, 'qwen2.5-coder:7b', 'generation_start names the model that was asked for');
  });

  it('server error (500) before the first token: retried twice, then server_error with the server\'s words', async () => {
    const failure = { status: 500, body: { error: 'llama runner process has terminated: signal: killed' } };
    fake.chatReplies.push(failure, failure, failure);
    const run = await askThroughEngine(llm);
    assert.equal(fake.requestsTo('/api/chat').length, 3);
    assert.equal(run.error?.code, 'server_error');
    assert.equal(run.error?.message,
      `Ollama at ${fake.url} failed (HTTP 500: llama runner process has terminated: signal: killed). Try again; if it keeps failing, check the server's log.`);
  });

  it('a 500 before the first token is retried and the answer then streams complete', async () => {
    fake.chatReplies.push({ status: 503, body: 'upstream unavailable' });
    const run = await askThroughEngine(llm);
    assert.equal(fake.requestsTo('/api/chat').length, 2);
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(run.last.type, 'generation_done');
  });

  it('rate limit (429) with Retry-After longer than a retry would wait: rate_limited with the wait, at once', async () => {
    fake.chatReplies.push({ status: 429, body: { error: 'too many requests' }, headers: { 'retry-after': '30' } });
    const run = await askThroughEngine(llm);
    assert.equal(fake.requestsTo('/api/chat').length, 1);
    assert.equal(run.error?.code, 'rate_limited');
    assert.equal(run.error?.message, 'Ollama is limiting requests (HTTP 429: too many requests). Wait 30 s and try again.');
  });

  it('connection dropped mid-stream: the tokens sent before stay, then stream_interrupted, never retried', async () => {
    fake.defaultChat = { tokens: TOKENS, dropAfter: 2 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 2));
    assert.equal(run.last, run.error);
    assert.equal(run.error?.code, 'stream_interrupted');
    assert.equal(run.error?.message,
      `The connection to Ollama at ${fake.url} dropped in the middle of the answer. The text so far is kept; ask again for a complete answer.`);
    assert.equal(fake.requestsTo('/api/chat').length, 1, 'no retry after tokens were shown');
  });

  it('a malformed stream line: the tokens before it stay, then bad_response quoting the line', async () => {
    fake.defaultChat = { tokens: TOKENS, malformedAfter: 3 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 3));
    assert.equal(run.error?.code, 'bad_response');
    assert.equal(run.error?.stage, 'generation');
    assert.match(run.error!.message, new RegExp(`^Ollama at ${fake.url} sent a malformed stream line \\(not JSON: "\\{\\\\"model\\\\":\\\\"llama3\\.2\\\\"`));
    assert.match(run.error!.message, /Check that the address points at the right kind of server/);
  });

  it('an error line inside the stream: the tokens before it stay, then server_error with the server\'s message', async () => {
    fake.defaultChat = { tokens: TOKENS, errorAfter: 1 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 1));
    assert.equal(run.error?.code, 'server_error');
    assert.equal(run.error?.message, "Ollama reported an error in the middle of the answer: the model runner stopped unexpectedly. Check the server's log, then ask again.");
  });

  it('a stream that ends cleanly without the final done line: stream_interrupted', async () => {
    fake.defaultChat = { tokens: TOKENS, omitFinal: true };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(run.error?.code, 'stream_interrupted');
  });

  it('a server that stalls after some tokens: generation_timeout, and the server sees the HTTP request closed', async () => {
    fake.defaultChat = { tokens: TOKENS, stallAfter: 2 };
    const run = await askThroughEngine(llm, { config: { generationTimeout: 150 } });
    assert.deepEqual(run.tokens, TOKENS.slice(0, 2));
    assert.equal(run.error?.code, 'generation_timeout');
    assert.equal(run.error?.message, 'The model stopped sending for 150 ms in the middle of the answer. Check the server, then ask again.');
    const [request] = fake.requestsTo('/api/chat');
    await request.ended;
    assert.equal(request.closedByClient, true, 'the stalled HTTP stream was aborted, not left open');
  });

  it('a slow first token within the timeout: the whole answer arrives', async () => {
    fake.defaultChat = { tokens: TOKENS, firstTokenDelayMs: 300 };
    const run = await askThroughEngine(llm, { config: { generationTimeout: 5_000 } });
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(run.last.type, 'generation_done');
  });

  it('a first token slower than the timeout: generation_timeout and the waiting request is closed', async () => {
    fake.defaultChat = { tokens: TOKENS, firstTokenDelayMs: 2_000 };
    const run = await askThroughEngine(llm, { config: { generationTimeout: 150 } });
    assert.deepEqual(run.tokens, []);
    assert.equal(run.error?.code, 'generation_timeout');
    assert.match(run.error!.message, /^The model sent no answer within 150 ms/);
    const [request] = fake.requestsTo('/api/chat');
    await request.ended;
    assert.equal(request.closedByClient, true);
  });

  it('the user cancels mid-answer: a cancelled event and the server sees the request closed', async () => {
    fake.defaultChat = { tokens: TOKENS, tokenDelayMs: 200 };
    const controller = new AbortController();
    const rag = askThroughEngine(llm, { signal: controller.signal });
    while (fake.requestsTo('/api/chat')[0]?.firstTokenAt === undefined) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const run = await rag;
    assert.equal(run.error?.code, 'cancelled');
    assert.ok(run.tokens.length < TOKENS.length);
    const [request] = fake.requestsTo('/api/chat');
    await request.ended;
    assert.equal(request.closedByClient, true);
  });

  it('the consumer stops reading after one token: the HTTP stream is closed', async () => {
    fake.defaultChat = { tokens: TOKENS, tokenDelayMs: 100 };
    const run = await askThroughEngine(llm, { stopAfterTokens: 1 });
    assert.deepEqual(run.tokens, TOKENS.slice(0, 1));
    const [request] = fake.requestsTo('/api/chat');
    await request.ended;
    assert.equal(request.closedByClient, true);
  });
});

describe('Ollama health check against an NDJSON protocol fake (/api/tags)', () => {
  let fake: OllamaFake;
  before(async () => {
    fake = await startOllamaFake({ models: ['llama3.2:latest', 'qwen2.5-coder:7b', 'nomic-embed-text:latest'] });
  });
  after(() => fake.close());

  it('lists the installed models', async () => {
    const health = await checkOllama({ host: fake.url });
    assert.deepEqual(health, { ok: true, host: fake.url, models: ['llama3.2:latest', 'qwen2.5-coder:7b', 'nomic-embed-text:latest'] });
    assert.ok(hasOllamaModel(health.ok ? health.models : [], 'llama3.2'), 'a name without a tag means :latest');
    assert.ok(hasOllamaModel(health.ok ? health.models : [], 'qwen2.5-coder:7b'));
    assert.ok(!hasOllamaModel(health.ok ? health.models : [], 'qwen2.5-coder'), 'qwen2.5-coder means :latest, which is not installed');
  });

  it('reports a server that is not running as connection_refused', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const health = await checkOllama({ host });
    assert.equal(health.ok, false);
    assert.ok(!health.ok && health.error.code === 'connection_refused');
    assert.ok(!health.ok && health.error.message === `Ollama is not running at ${host}. Start it with \`ollama serve\`, or choose another provider.`);
  });

  it('gives up on a server that does not answer within the timeout, and closes the request', async () => {
    fake.tagsDelayMs = 5_000;
    try {
      const health = await checkOllama({ host: fake.url, timeoutMs: 100 });
      assert.ok(!health.ok && health.error.code === 'request_timeout', JSON.stringify(health));
      const request = fake.requestsTo('/api/tags').at(-1)!;
      await request.ended;
      assert.equal(request.closedByClient, true);
    } finally {
      fake.tagsDelayMs = 0;
    }
  });

  it('reads hosts the way OLLAMA_HOST is written', () => {
    assert.equal(normalizeOllamaHost(undefined), 'http://127.0.0.1:11434');
    assert.equal(normalizeOllamaHost('localhost'), 'http://localhost:11434');
    assert.equal(normalizeOllamaHost('0.0.0.0:8080'), 'http://0.0.0.0:8080');
    assert.equal(normalizeOllamaHost(':9999'), 'http://127.0.0.1:9999');
    assert.equal(normalizeOllamaHost('https://ollama.example.com/'), 'https://ollama.example.com');
    assert.equal(normalizeOllamaHost('http://10.0.0.5:11434/'), 'http://10.0.0.5:11434');
  });
});
