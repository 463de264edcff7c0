import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_KEY_HINT, OpenAIChat } from '../../src/engine/providers/openaiProvider';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort } from '../helpers/protocolServer';
import { askThroughEngine } from '../helpers/ragRun';

const TOKENS = ['Sessions ', 'last ', 'one ', 'hour ', '[1].'];
const KEY = 'sk-test-0123456789abcdef';
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

describe('OpenAI provider against an SSE protocol fake', () => {
  let fake: OpenAIFake;
  let llm: OpenAIChat;
  before(async () => {
    fake = await startOpenAIFake({ apiKey: KEY });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.chatReplies.length = 0;
    fake.modelsReplies.length = 0;
    fake.defaultChat = { tokens: TOKENS };
    fake.requests.length = 0;
    fake.apiKey = KEY;
    llm = new OpenAIChat({ apiKey: KEY, baseURL: fake.baseURL, retry: FAST_RETRY });
  });

  it('streams exactly the tokens the server sent, in order, from one streaming request with the key', async () => {
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(run.last.type, 'generation_done');
    assert.deepEqual({ provider: run.starts[0].provider, model: run.starts[0].model }, { provider: 'openai', model: 'gpt-4.1-mini' });
    const [request] = fake.requestsTo('/v1/chat/completions');
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.equal(request.body.stream, true);
    assert.equal(request.body.model, 'gpt-4.1-mini');
    assert.equal(request.body.messages[0].role, 'user');
    assert.match(request.body.messages[0].content, /how long does a session last\?/);
    assert.equal(request.closedByClient, false);
  });

  it('a compatible server without a key (base URL only) streams too', async () => {
    fake.apiKey = undefined;
    const run = await askThroughEngine(new OpenAIChat({ baseURL: fake.baseURL, model: 'gpt-4.1-mini' }));
    assert.deepEqual(run.tokens, TOKENS);
  });

  it('server not running (connection refused): connection_refused naming the base URL', async () => {
    const baseURL = `http://127.0.0.1:${await closedPort()}/v1`;
    const run = await askThroughEngine(new OpenAIChat({ baseURL, retry: FAST_RETRY }));
    assert.deepEqual(run.tokens, []);
    assert.equal(run.error?.code, 'connection_refused');
    assert.equal(run.error?.stage, 'generation');
    assert.equal(run.error?.message,
      `The OpenAI-compatible server is not running at ${baseURL}. Start the server (LM Studio, llama.cpp, vLLM…) or check the base URL, or choose another provider.`);
  });

  it('a wrong key (401): unauthorized saying how to set the key, and the key never appears in the message', async () => {
    const wrong = 'sk-wrong-fedcba9876543210';
    const run = await askThroughEngine(new OpenAIChat({ apiKey: wrong, baseURL: fake.baseURL, keyHint: 'Set OPENAI_API_KEY.', retry: FAST_RETRY }));
    assert.equal(run.error?.code, 'unauthorized');
    assert.equal(run.error?.message, `The OpenAI-compatible server at ${fake.baseURL} rejected the API key (HTTP 401). Set OPENAI_API_KEY.`);
    assert.ok(!JSON.stringify(run.events).includes(wrong), 'the fake echoed the key; no event may carry it');
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 1, 'a 401 is not retried');
  });

  it('no key for OpenAI itself: unauthorized at once, without sending a request anywhere', async () => {
    const run = await askThroughEngine(new OpenAIChat({}));
    assert.equal(run.error?.code, 'unauthorized');
    assert.equal(run.error?.message, `No OpenAI API key is set. ${DEFAULT_KEY_HINT}`);
  });

  it('a model the server does not have (404): model_not_found naming the models it has (from /v1/models)', async () => {
    fake.models = ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'];
    try {
      const run = await askThroughEngine(new OpenAIChat({ apiKey: KEY, baseURL: fake.baseURL, retry: FAST_RETRY }));
      assert.equal(run.error?.code, 'model_not_found');
      assert.equal(run.error?.message,
        `The OpenAI-compatible server at ${fake.baseURL} has no model "gpt-4.1-mini" (HTTP 404). Choose one of its models: qwen2.5-7b-instruct, text-embedding-nomic-embed-text-v1.5.`);
      assert.equal(fake.requestsTo('/v1/models').length, 1);
      assert.equal(fake.requestsTo('/v1/chat/completions').length, 1, 'a 404 is not retried');
    } finally {
      fake.models = ['gpt-4.1-mini', 'text-embedding-3-small'];
    }
  });

  it('a 404 from a server whose /models fails too: model_not_found pointing at the list', async () => {
    fake.modelsReplies.push({ status: 500, body: 'Internal Server Error' });
    const run = await askThroughEngine(new OpenAIChat({ apiKey: KEY, baseURL: fake.baseURL, model: 'qwen', retry: FAST_RETRY }));
    assert.equal(run.error?.message,
      `The OpenAI-compatible server at ${fake.baseURL} has no model "qwen" (HTTP 404). Choose one of the models the server lists at ${fake.baseURL}/models.`);
  });

  it('rate limit (429) with a long Retry-After: rate_limited with the wait and the server\'s words, without waiting', async () => {
    fake.chatReplies.push({ status: 429, headers: { 'retry-after': '20' }, body: { error: { message: 'Rate limit reached for gpt-4.1-mini on requests per min (RPM): Limit 3, Used 3.', type: 'requests', code: 'rate_limit_exceeded' } } });
    const run = await askThroughEngine(llm);
    assert.equal(run.error?.code, 'rate_limited');
    assert.equal(run.error?.message,
      'The OpenAI-compatible server is limiting requests (HTTP 429: Rate limit reached for gpt-4.1-mini on requests per min (RPM): Limit 3, Used 3.). Wait 20 s and try again.');
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 1);
  });

  it('rate limit (429) with a short Retry-After: waited out before the first token, then the answer streams', async () => {
    fake.chatReplies.push({ status: 429, headers: { 'retry-after-ms': '30' }, body: { error: { message: 'slow down' } } });
    const run = await askThroughEngine(new OpenAIChat({ apiKey: KEY, baseURL: fake.baseURL, retry: { baseDelayMs: 5, maxDelayMs: 1_000 } }));
    assert.deepEqual(run.tokens, TOKENS);
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 2);
  });

  it('server error (500): retried twice before the first token, then server_error', async () => {
    const failure = { status: 500, body: { error: { message: 'The server had an error while processing your request.', type: 'server_error' } } };
    fake.chatReplies.push(failure, failure, failure);
    const run = await askThroughEngine(llm);
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 3);
    assert.equal(run.error?.code, 'server_error');
    assert.equal(run.error?.message,
      `The OpenAI-compatible server at ${fake.baseURL} failed (HTTP 500: The server had an error while processing your request.). Try again; if it keeps failing, check the server's log.`);
  });

  it('connection dropped mid-stream: the tokens sent before stay, stream_interrupted, and no second request', async () => {
    fake.defaultChat = { tokens: TOKENS, dropAfter: 3 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 3));
    assert.equal(run.error?.code, 'stream_interrupted');
    assert.equal(run.error?.message,
      `The connection to the OpenAI-compatible server at ${fake.baseURL} dropped in the middle of the answer. The text so far is kept; ask again for a complete answer.`);
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 1, 'nothing retries after tokens were shown');
  });

  it('a malformed SSE data line: the tokens before it stay, then bad_response', async () => {
    fake.defaultChat = { tokens: TOKENS, malformedAfter: 2 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 2));
    assert.equal(run.error?.code, 'bad_response');
    assert.match(run.error!.message, new RegExp(`^The OpenAI-compatible server at ${fake.baseURL.replace(/\./g, '\\.')} sent a malformed stream line`));
  });

  it('an error event inside the stream: the tokens before it stay, then server_error with its message', async () => {
    fake.defaultChat = { tokens: TOKENS, errorAfter: 2 };
    const run = await askThroughEngine(llm);
    assert.deepEqual(run.tokens, TOKENS.slice(0, 2));
    assert.equal(run.error?.code, 'server_error');
    assert.equal(run.error?.message,
      "The OpenAI-compatible server reported an error in the middle of the answer: the model runner stopped unexpectedly. Check the server's log, then ask again.");
  });

  it('a stream closed cleanly before its finish_reason and [DONE]: stream_interrupted, not a silent short answer', async () => {
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
    const [request] = fake.requestsTo('/v1/chat/completions');
    await request.ended;
    assert.equal(request.closedByClient, true);
    assert.equal(fake.requestsTo('/v1/chat/completions').length, 1);
  });

  it('a slow first token within the timeout: the whole answer arrives', async () => {
    fake.defaultChat = { tokens: TOKENS, firstTokenDelayMs: 300 };
    const run = await askThroughEngine(llm, { config: { generationTimeout: 5_000 } });
    assert.deepEqual(run.tokens, TOKENS);
  });

  it('a first token slower than the timeout: generation_timeout and the waiting request is closed', async () => {
    fake.defaultChat = { tokens: TOKENS, firstTokenDelayMs: 2_000 };
    const run = await askThroughEngine(llm, { config: { generationTimeout: 150 } });
    assert.equal(run.error?.code, 'generation_timeout');
    assert.match(run.error!.message, /^The model sent no answer within 150 ms/);
    const [request] = fake.requestsTo('/v1/chat/completions');
    await request.ended;
    assert.equal(request.closedByClient, true);
  });

  it('the consumer stops reading after one token: the HTTP stream is closed', async () => {
    fake.defaultChat = { tokens: TOKENS, tokenDelayMs: 100 };
    const run = await askThroughEngine(llm, { stopAfterTokens: 1 });
    assert.deepEqual(run.tokens, TOKENS.slice(0, 1));
    const [request] = fake.requestsTo('/v1/chat/completions');
    await request.ended;
    assert.equal(request.closedByClient, true);
  });
});
