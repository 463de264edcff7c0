import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OllamaEmbedder } from '../../src/engine/providers/ollamaEmbedder';
import { OpenAIEmbedder } from '../../src/engine/providers/openaiEmbedder';
import { ProviderError } from '../../src/engine/providers/providerErrors';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort, fakeVector } from '../helpers/protocolServer';

const FAST_RETRY = { retries: 2, baseDelayMs: 5, maxDelayMs: 200 };
const texts = (n: number) => Array.from({ length: n }, (_, i) => `function f${i}() { return ${i}; }`);
const expected = (input: string[], dims: number) => input.map((t) => Float32Array.from(fakeVector(t, dims)));

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
  return err;
}

describe('Ollama embedder against an NDJSON protocol fake (/api/embed)', () => {
  let fake: OllamaFake;
  before(async () => {
    fake = await startOllamaFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.embedReplies.length = 0;
    fake.embedDelayMs = 0;
    fake.maxInFlight = 0;
  });

  it('embeds in batches and returns the server\'s vectors in input order, learning the dimension', async () => {
    const embedder = new OllamaEmbedder({ host: fake.url, batchSize: 4 });
    assert.equal(embedder.dimensions, undefined, 'unknown before the first answer');
    const input = texts(10);
    const vectors = await embedder.embed(input);
    assert.deepEqual(vectors, expected(input, 8));
    assert.equal(embedder.dimensions, 8);
    assert.equal(embedder.id, 'ollama');
    assert.equal(embedder.model, 'nomic-embed-text');
    const requests = fake.requestsTo('/api/embed');
    assert.deepEqual(requests.map((r) => r.body.input.length).sort(), [2, 4, 4]);
    assert.deepEqual(requests.flatMap((r) => r.body.input).sort(), [...input].sort());
    assert.ok(requests.every((r) => r.body.model === 'nomic-embed-text'));
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    fake.embedDelayMs = 40;
    await new OllamaEmbedder({ host: fake.url, batchSize: 2, concurrency: 2 }).embed(texts(12));
    assert.equal(fake.requestsTo('/api/embed').length, 6);
    assert.equal(fake.maxInFlight, 2);
  });

  it('retries a batch on 429 and 500 with backoff, then succeeds', async () => {
    fake.embedReplies.push({ status: 429, body: { error: 'busy' }, headers: { 'retry-after': '0' } }, { status: 500, body: { error: 'out of memory' } });
    const input = texts(3);
    const vectors = await new OllamaEmbedder({ host: fake.url, retry: FAST_RETRY }).embed(input);
    assert.deepEqual(vectors, expected(input, 8));
    assert.equal(fake.requestsTo('/api/embed').length, 3);
  });

  it('gives up after its retries with server_error at the indexing stage', async () => {
    for (let i = 0; i < 5; i++) fake.embedReplies.push({ status: 500, body: { error: 'out of memory' } });
    const err = await rejection(new OllamaEmbedder({ host: fake.url, retry: FAST_RETRY }).embed(texts(2)));
    assert.equal(err.code, 'server_error');
    assert.equal(err.stage, 'indexing');
    assert.equal(fake.requestsTo('/api/embed').length, 3);
  });

  it('a missing embedding model: model_not_found with `ollama pull`, not retried', async () => {
    const err = await rejection(new OllamaEmbedder({ host: fake.url, model: 'mxbai-embed-large', retry: FAST_RETRY }).embed(texts(2)));
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.message, `Ollama at ${fake.url} has no model "mxbai-embed-large" (HTTP 404). Download it with \`ollama pull mxbai-embed-large\`, or choose another model.`);
    assert.equal(fake.requestsTo('/api/embed').length, 1);
  });

  it('a server that never answered: connection_refused at once, without waiting through retries', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    // Were refused connections retried here, the minute-long backoff would outlast the test's timeout.
    const embedder = new OllamaEmbedder({ host, retry: { retries: 4, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const err = await rejection(embedder.embed(texts(2)));
    assert.equal(err.code, 'connection_refused');
    assert.equal(err.stage, 'indexing');
    assert.equal(err.message, `Ollama is not running at ${host}. Start it with \`ollama serve\`, or choose another provider.`);
  });

  it('a server that answered and then refuses (restarting): waited for with backoff, then the batch succeeds', async () => {
    const first = await startOllamaFake();
    const embedder = new OllamaEmbedder({ host: first.url, retry: { retries: 5, baseDelayMs: 40, maxDelayMs: 200 } });
    await embedder.embed(texts(1));
    await first.close();
    let second: OllamaFake | undefined;
    const restart = new Promise<void>((resolve) => setTimeout(async () => {
      second = await startOllamaFake({ port: first.port });
      resolve();
    }, 60));
    try {
      const input = texts(3);
      assert.deepEqual(await embedder.embed(input), expected(input, 8));
      await restart;
      assert.equal(second!.requestsTo('/api/embed').length, 1);
    } finally {
      await restart;
      await second?.close();
    }
  });

  it('aborting stops at once and closes the requests in flight', async () => {
    fake.embedDelayMs = 5_000;
    const controller = new AbortController();
    const pending = new OllamaEmbedder({ host: fake.url, batchSize: 2, concurrency: 2 }).embed(texts(8), { signal: controller.signal });
    while (fake.requestsTo('/api/embed').length < 2) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await assert.rejects(pending);
    const requests = fake.requestsTo('/api/embed');
    await Promise.all(requests.map((r) => r.ended));
    assert.equal(requests.length, 2, 'no batch starts after the abort');
    assert.ok(requests.every((r) => r.closedByClient));
  });
});

describe('OpenAI embedder against an OpenAI protocol fake (/v1/embeddings)', () => {
  const KEY = 'sk-embed-test-123456';
  let fake: OpenAIFake;
  before(async () => {
    fake = await startOpenAIFake({ apiKey: KEY });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.embedReplies.length = 0;
    fake.embedReverse = false;
    fake.embedDimensions = 6;
  });

  it('asks for float vectors in batches and puts them in input order by `index`', async () => {
    fake.embedReverse = true;
    const embedder = new OpenAIEmbedder({ apiKey: KEY, baseURL: fake.baseURL, batchSize: 3 });
    const input = texts(7);
    const vectors = await embedder.embed(input);
    assert.deepEqual(vectors, expected(input, 6));
    assert.equal(embedder.dimensions, 6);
    const requests = fake.requestsTo('/v1/embeddings');
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => r.body.encoding_format === 'float'), 'local servers reject the SDK\'s default base64');
    assert.ok(requests.every((r) => r.body.model === 'text-embedding-3-small' && r.headers.authorization === `Bearer ${KEY}`));
  });

  it('retries on 429 (waiting Retry-After) and on 500, then succeeds', async () => {
    fake.embedReplies.push(
      { status: 429, headers: { 'retry-after-ms': '20' }, body: { error: { message: 'Rate limit reached' } } },
      { status: 500, body: { error: { message: 'internal error' } } },
    );
    const input = texts(2);
    const vectors = await new OpenAIEmbedder({ apiKey: KEY, baseURL: fake.baseURL, retry: FAST_RETRY }).embed(input);
    assert.deepEqual(vectors, expected(input, 6));
    assert.equal(fake.requestsTo('/v1/embeddings').length, 3);
  });

  it('a rejected key: unauthorized at the indexing stage, not retried, key not in the message', async () => {
    const wrong = 'sk-wrong-key-98765';
    const err = await rejection(new OpenAIEmbedder({ apiKey: wrong, baseURL: fake.baseURL, retry: FAST_RETRY }).embed(texts(2)));
    assert.equal(err.code, 'unauthorized');
    assert.equal(err.stage, 'indexing');
    assert.ok(!err.message.includes(wrong));
    assert.equal(fake.requestsTo('/v1/embeddings').length, 1);
  });

  it('an embedding model the server lacks: model_not_found at the indexing stage naming the models it has, not retried', async () => {
    const err = await rejection(new OpenAIEmbedder({ apiKey: KEY, baseURL: fake.baseURL, model: 'nomic-embed-text', retry: FAST_RETRY }).embed(texts(2)));
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.stage, 'indexing');
    assert.equal(err.message,
      `The OpenAI-compatible server at ${fake.baseURL} has no model "nomic-embed-text" (HTTP 404). Choose one of its models: gpt-4.1-mini, text-embedding-3-small.`);
    assert.equal(fake.requestsTo('/v1/embeddings').length, 1);
  });

  it('vectors whose dimension changes between answers: bad_response instead of a corrupt index', async () => {
    const embedder = new OpenAIEmbedder({ apiKey: KEY, baseURL: fake.baseURL });
    await embedder.embed(texts(2));
    fake.embedDimensions = 7;
    const err = await rejection(embedder.embed(texts(2)));
    assert.equal(err.code, 'bad_response');
    assert.match(err.message, /^The OpenAI-compatible server at .* \(model "text-embedding-3-small"\) answered an embedding request with vectors of 7 and 6 dimensions\./);
  });
});
