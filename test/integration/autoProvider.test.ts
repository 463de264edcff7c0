import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HealthCache, selectAutoProvider, type AutoProviderOptions } from '../../src/engine/providers/autoProvider';
import { ProviderError } from '../../src/engine/providers/providerErrors';
import { scriptedLlm } from '../helpers/engineFakes';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort } from '../helpers/protocolServer';
import { askThroughEngine } from '../helpers/ragRun';

const OLLAMA_TOKENS = ['Ollama ', 'says ', 'one hour [1].'];
const OPENAI_TOKENS = ['OpenAI ', 'says ', 'one hour [1].'];
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

describe('auto provider choice against Ollama NDJSON and OpenAI SSE protocol fakes', () => {
  let ollama: OllamaFake;
  let openai: OpenAIFake;
  let deadHost: string;
  before(async () => {
    [ollama, openai] = await Promise.all([startOllamaFake(), startOpenAIFake()]);
    deadHost = `http://127.0.0.1:${await closedPort()}`;
  });
  after(() => Promise.all([ollama.close(), openai.close()]));
  beforeEach(() => {
    ollama.models = ['llama3.2:latest'];
    ollama.chatReplies.length = 0;
    ollama.defaultChat = { tokens: OLLAMA_TOKENS };
    openai.defaultChat = { tokens: OPENAI_TOKENS };
    ollama.requests.length = 0;
    openai.requests.length = 0;
  });

  const options = (overrides: Partial<AutoProviderOptions> = {}): AutoProviderOptions => ({
    ollama: { host: ollama.url, retry: FAST_RETRY },
    openai: { baseURL: openai.baseURL, retry: FAST_RETRY },
    healthCache: new HealthCache(),
    ...overrides,
  });

  it('picks Ollama when it answers on its host and has the chat model; OpenAI is not asked', async () => {
    const { llm } = await selectAutoProvider(options());
    assert.deepEqual(llm?.info, { provider: 'ollama', model: 'llama3.2' });
    const run = await askThroughEngine(llm!);
    assert.deepEqual(run.tokens, OLLAMA_TOKENS);
    assert.deepEqual(run.starts.map((s) => s.provider), ['ollama']);
    assert.equal(openai.requests.length, 0);
  });

  it('passes over an Ollama without the chat model, says why, and answers with OpenAI', async () => {
    ollama.models = ['mistral:latest'];
    const { llm, skipped } = await selectAutoProvider(options());
    assert.deepEqual(skipped, [`Ollama at ${ollama.url} has no model "llama3.2". Download it with \`ollama pull llama3.2\`.`]);
    assert.deepEqual(llm?.info, { provider: 'openai', model: 'gpt-4.1-mini' });
    const run = await askThroughEngine(llm!);
    assert.deepEqual(run.tokens, OPENAI_TOKENS);
    assert.equal(ollama.requestsTo('/api/chat').length, 0);
  });

  it('with Ollama not running, uses the OpenAI-compatible server given by a base URL', async () => {
    const { llm, skipped } = await selectAutoProvider(options({ ollama: { host: deadHost } }));
    assert.match(skipped[0], /^Ollama is not running at http:\/\/127\.0\.0\.1:\d+\./);
    assert.equal(llm?.info.provider, 'openai');
    assert.deepEqual((await askThroughEngine(llm!)).tokens, OPENAI_TOKENS);
  });

  it('with neither, uses the caller\'s extra model (VS Code Chat\'s own)', async () => {
    const chatModel = scriptedLlm(['From ', 'the chat model.'], { info: { provider: 'vscode', model: 'copilot' } });
    const { llm } = await selectAutoProvider(options({ ollama: { host: deadHost }, openai: {}, extra: chatModel }));
    assert.deepEqual(llm?.info, { provider: 'vscode', model: 'copilot' });
    assert.equal((await askThroughEngine(llm!)).answer, 'From the chat model.');
  });

  it('with nothing available, returns no model (the caller answers offline) and the reasons', async () => {
    const { llm, skipped } = await selectAutoProvider(options({ ollama: { host: deadHost }, openai: { apiKey: '  ' } }));
    assert.equal(llm, undefined);
    assert.equal(skipped.length, 2);
    assert.match(skipped[0], /Ollama is not running/);
    assert.equal(skipped[1], 'OpenAI is not configured (no API key or base URL).');
  });

  it('falls back before the first token when Ollama loses the model: a second generation_start names OpenAI', async () => {
    const cache = new HealthCache();
    const { llm } = await selectAutoProvider(options({ healthCache: cache }));
    assert.equal(llm?.info.provider, 'ollama');
    ollama.models = []; // Removed between the health check and the question: /api/chat answers 404.
    const run = await askThroughEngine(llm!);
    assert.deepEqual(run.tokens, OPENAI_TOKENS);
    assert.deepEqual(run.starts.map((s) => `${s.provider} · ${s.model}`), ['ollama · llama3.2', 'openai · gpt-4.1-mini']);
    const firstToken = run.events.findIndex((e) => e.type === 'token');
    assert.ok(run.events.indexOf(run.starts[1]) < firstToken, 'the new provider is announced before its first token');
    assert.equal(run.last.type, 'generation_done');
    assert.equal(ollama.requestsTo('/api/chat').length, 1);

    // The failure forgot Ollama's cached health: the next choice asks Ollama again (and passes it over).
    const tagsBefore = ollama.requestsTo('/api/tags').length;
    const next = await selectAutoProvider(options({ healthCache: cache }));
    assert.equal(ollama.requestsTo('/api/tags').length, tagsBefore + 1);
    assert.equal(next.llm?.info.provider, 'openai');
  });

  it('falls back before the first token when Ollama stops running after the health check', async () => {
    const doomed = await startOllamaFake();
    const { llm } = await selectAutoProvider(options({ ollama: { host: doomed.url, retry: FAST_RETRY } }));
    assert.equal(llm?.info.provider, 'ollama');
    await doomed.close();
    const run = await askThroughEngine(llm!);
    assert.deepEqual(run.tokens, OPENAI_TOKENS);
    assert.deepEqual(run.starts.map((s) => s.provider), ['ollama', 'openai']);
  });

  it('never falls back after the first token: a drop mid-answer is an error and OpenAI is not asked', async () => {
    ollama.defaultChat = { tokens: OLLAMA_TOKENS, dropAfter: 1 };
    const { llm } = await selectAutoProvider(options());
    const run = await askThroughEngine(llm!);
    assert.deepEqual(run.tokens, OLLAMA_TOKENS.slice(0, 1));
    assert.equal(run.error?.code, 'stream_interrupted');
    assert.equal(openai.requests.length, 0);
    assert.deepEqual(run.starts.map((s) => s.provider), ['ollama']);
  });

  it('does not fall back on a server error: the user learns Ollama is failing instead of silently switching', async () => {
    const failure = { status: 500, body: { error: 'llama runner process has terminated' } };
    ollama.chatReplies.push(failure, failure, failure);
    const { llm } = await selectAutoProvider(options());
    const run = await askThroughEngine(llm!);
    assert.equal(run.error?.code, 'server_error');
    assert.equal(openai.requests.length, 0);
  });

  it('the last candidate\'s failure is reported as is', async () => {
    openai.chatReplies.push({ status: 404, body: { error: { message: 'no such model' } } });
    const { llm } = await selectAutoProvider(options({ ollama: { host: deadHost } }));
    const run = await askThroughEngine(llm!);
    assert.equal(run.error?.code, 'model_not_found');
  });

  it('caches a good health check, and re-checks a bad one after its short time to live', async () => {
    let now = 0;
    const cache = new HealthCache({ okTtlMs: 60_000, failTtlMs: 5_000, now: () => now });
    const tags = () => ollama.requestsTo('/api/tags').length;
    await selectAutoProvider(options({ healthCache: cache }));
    now = 30_000;
    await selectAutoProvider(options({ healthCache: cache }));
    assert.equal(tags(), 1, 'a healthy answer is reused within a minute');
    now = 61_000;
    await selectAutoProvider(options({ healthCache: cache }));
    assert.equal(tags(), 2);

    const counted: number[] = [];
    const probe = async () => {
      counted.push(now);
      return { ok: false as const, host: deadHost, error: new ProviderError('connection_refused', 'Ollama is not running.') };
    };
    await cache.check('down', probe);
    now += 1_000;
    await cache.check('down', probe);
    assert.equal(counted.length, 1, 'a failure is remembered briefly');
    now += 5_000;
    await cache.check('down', probe);
    assert.equal(counted.length, 2, 'and checked again after failTtlMs');
  });
});
