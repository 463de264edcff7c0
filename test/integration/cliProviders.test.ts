import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { embedderConfig, readProviderFlags } from '../../src/cli/providerOptions';
import { UsageError } from '../../src/cli/usageError';
import type { ErrorEvent, RagEvent } from '../../src/protocol/events';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, SAMPLE_PROJECT, tempDir } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const TOKENS = ['Sessions ', 'last ', 'one hour ', '[1].'];
const KEY = 'sk-cli-test-abcdef123456';

interface RunResult { code: number | null; stdout: string; stderr: string }

describe('workspace-rag ask with providers (dist/cli.js against Ollama NDJSON and OpenAI SSE protocol fakes)', () => {
  let ollama: OllamaFake;
  let openai: OpenAIFake;
  let workspace: string;
  let indexDir: string;
  let deadHost: string;
  // Nothing from this machine's environment may pick a provider behind the test's back.
  let baseEnv: NodeJS.ProcessEnv;

  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    [ollama, openai] = await Promise.all([startOllamaFake(), startOpenAIFake({ apiKey: KEY })]);
    workspace = await makeWorkspace(SAMPLE_PROJECT);
    indexDir = path.join(await tempDir(), 'index');
    deadHost = `http://127.0.0.1:${await closedPort()}`;
    baseEnv = { ...process.env, NO_COLOR: '1', OLLAMA_HOST: deadHost, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
  });
  after(() => Promise.all([ollama.close(), openai.close()]));
  beforeEach(() => {
    ollama.models = ['llama3.2:latest', 'nomic-embed-text:latest'];
    ollama.requests.length = 0;
    openai.requests.length = 0;
    ollama.defaultChat = { tokens: TOKENS };
    openai.defaultChat = { tokens: TOKENS };
  });

  function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const ask = (question: string, ...flags: string[]) => ['ask', question, '--workspace', workspace, '--index-dir', indexDir, ...flags];
  const events = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as RagEvent);
  const answerOf = (list: RagEvent[]) => list.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');

  it('--provider ollama --json: NDJSON events with exactly the answer Ollama streamed, exit 0', async () => {
    const result = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', ollama.url, '--json'));
    assert.equal(result.code, 0, result.stderr);
    const list = events(result.stdout);
    assert.equal(answerOf(list), TOKENS.join(''));
    const start = list.find((e) => e.type === 'generation_start');
    assert.ok(start?.type === 'generation_start' && start.provider === 'ollama' && start.model === 'llama3.2' && start.strategy === 'async');
    assert.equal(list.at(-1)?.type, 'generation_done');
    const [request] = ollama.requestsTo('/api/chat');
    assert.match(request.body.messages[0].content, /SESSION_TTL_MS/, 'the prompt carries the retrieved workspace passages');
  });

  it('--provider ollama: the model\'s search prints its sources as "Searched again" before the answer; --json carries context_update', async () => {
    const search = { tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'database connection pool' } }] };
    ollama.chatReplies.push(search, { tokens: ['The pool holds DB_POOL_SIZE connections [2].'] });
    const human = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', ollama.url, '--k', '1'));
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Sources\n {2}\[1\] src\/auth\/session\.ts:[\s\S]*\nSearched again: "database connection pool" · \d+ more sources?\n {2}\[2\] src\/db\/pool\.ts:1-5/);
    assert.match(human.stdout, /connections \[2\]\.\n\nCited\n {2}\[2\] src\/db\/pool\.ts:1-5\n/);

    ollama.chatReplies.push(search, { tokens: ['The pool [2].'] });
    const json = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', ollama.url, '--k', '1', '--json'));
    const wave = events(json.stdout).find((e) => e.type === 'context_update');
    assert.ok(wave?.type === 'context_update', json.stdout);
    assert.deepEqual([wave.wave, wave.query, wave.sources[0].index, wave.sources[0].path], [2, 'database connection pool', 2, 'src/db/pool.ts']);
  });

  it('--provider ollama with no server: an error event naming the host, exit 1, no hang', { timeout: 20_000 }, async () => {
    const result = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', deadHost, '--json'));
    assert.equal(result.code, 1);
    const last = events(result.stdout).at(-1) as ErrorEvent;
    assert.deepEqual({ type: last.type, stage: last.stage, code: last.code }, { type: 'error', stage: 'generation', code: 'connection_refused' });
    assert.equal(last.message, `Ollama is not running at ${deadHost}. Start it with \`ollama serve\`, or choose another provider.`);
  });

  it('--provider ollama with a model Ollama lacks: model_not_found saying `ollama pull`, exit 1', async () => {
    const result = await run(ask('how long does a session last?', '--provider', 'ollama', '--model', 'phi4', '--ollama-host', ollama.url, '--json'));
    assert.equal(result.code, 1);
    const last = events(result.stdout).at(-1) as ErrorEvent;
    assert.equal(last.code, 'model_not_found');
    assert.match(last.message, /`ollama pull phi4`/);
  });

  it('auto finds Ollama through OLLAMA_HOST and passes --model on', async () => {
    ollama.models = ['llama3.2:latest', 'qwen2.5-coder:7b'];
    const result = await run(ask('how long does a session last?', '--model', 'qwen2.5-coder:7b', '--json'), { OLLAMA_HOST: ollama.url });
    assert.equal(result.code, 0, result.stderr);
    const start = events(result.stdout).find((e) => e.type === 'generation_start');
    assert.ok(start?.type === 'generation_start' && start.provider === 'ollama' && start.model === 'qwen2.5-coder:7b');
    assert.equal(ollama.requestsTo('/api/chat')[0].body.model, 'qwen2.5-coder:7b');
  });

  it('--provider openai --base-url with OPENAI_API_KEY: streams from the compatible server; the key is sent, never printed', async () => {
    const result = await run(ask('how long does a session last?', '--provider', 'openai', '--base-url', openai.baseURL, '--json'), { OPENAI_API_KEY: KEY });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(answerOf(events(result.stdout)), TOKENS.join(''));
    assert.equal(openai.requestsTo('/v1/chat/completions')[0].headers.authorization, `Bearer ${KEY}`);
    assert.ok(!result.stdout.includes(KEY) && !result.stderr.includes(KEY));
  });

  it('--provider openai with a wrong key: unauthorized telling the CLI user about OPENAI_API_KEY, exit 1', async () => {
    const wrong = 'sk-wrong-cli-000000';
    const result = await run(ask('q', '--provider', 'openai', '--json'), { OPENAI_API_KEY: wrong, OPENAI_BASE_URL: openai.baseURL });
    assert.equal(result.code, 1);
    const last = events(result.stdout).at(-1) as ErrorEvent;
    assert.equal(last.code, 'unauthorized');
    assert.equal(last.message,
      `The OpenAI-compatible server at ${openai.baseURL} rejected the API key (HTTP 401). Set the OPENAI_API_KEY environment variable, or pass --base-url for a local OpenAI-compatible server.`);
    assert.ok(!result.stdout.includes(wrong) && !result.stderr.includes(wrong));
  });

  it('for people: who answers is printed on stderr, the answer and the model footer on stdout', async () => {
    const result = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', ollama.url));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'Answering with ollama · llama3.2\n');
    assert.ok(result.stdout.includes(TOKENS.join('')), result.stdout);
    // Times read "850 ms" or, on a busy machine, "1.2 s".
    assert.match(result.stdout, /ollama · llama3\.2 · first token (\d+ ms|\d+\.\d s) · (\d+ ms|\d+\.\d s)/);
  });

  it('for people: auto with nothing available says why, then answers offline', async () => {
    const result = await run(ask('how long does a session last?'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, [
      `Ollama is not running at ${deadHost}. Start it with \`ollama serve\`, or choose another provider.`,
      'OpenAI is not configured (no API key or base URL).',
      'Answering with offline · extractive',
      '',
    ].join('\n'));
    assert.match(result.stdout, /No language model is configured/);
  });

  it('for people: an error is printed on stderr and exits 1', async () => {
    ollama.defaultChat = { tokens: TOKENS, dropAfter: 2 };
    const result = await run(ask('how long does a session last?', '--provider', 'ollama', '--ollama-host', ollama.url));
    assert.equal(result.code, 1);
    assert.ok(result.stdout.includes(TOKENS.slice(0, 2).join('')), 'the text already shown stays');
    assert.match(result.stderr, /Error \(generation\): The connection to Ollama at .* dropped in the middle of the answer\./);
  });

  for (const [name, args, pattern] of [
    ['an unknown provider', ['ask', 'q', '--provider', 'skynet'], /--provider must be one of auto, offline, ollama, openai, got 'skynet'/],
    ['an unknown embeddings choice', ['index', '--embeddings', 'word2vec'], /--embeddings must be one of offline, ollama, openai, got 'word2vec'/],
    ['--model with --provider offline', ['ask', 'q', '--provider', 'offline', '--model', 'llama3.2'], /--model needs --provider auto, ollama or openai/],
    ['--embed-model without embeddings', ['search', 'q', '--embed-model', 'nomic-embed-text'], /--embed-model needs --embeddings ollama or openai/],
    ['a base URL that is not a URL', ['ask', 'q', '--base-url', 'localhost:1234'], /--base-url must be a URL like http:\/\/127\.0\.0\.1:1234\/v1, got 'localhost:1234'/],
    ['--provider on index', ['index', '--provider', 'ollama'], /unknown option '--provider'/i],
  ] as const) {
    it(`exits 2 with one line on stderr for ${name}`, async () => {
      const result = await run([...args, '--workspace', workspace, '--index-dir', indexDir]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    });
  }

  it('index --embeddings ollama: the index thread embeds every chunk through Ollama and records the embedder', async () => {
    const dir = path.join(await tempDir(), 'index');
    const result = await run(['index', '--workspace', workspace, '--index-dir', dir, '--embeddings', 'ollama', '--ollama-host', ollama.url, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.embedder, 'ollama');
    assert.equal(summary.dimensions, 8);
    const embeds = ollama.requestsTo('/api/embed');
    assert.ok(embeds.length > 0 && embeds.every((r) => r.body.model === 'nomic-embed-text'));
    const embedded = embeds.flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.some((text) => text.includes('SESSION_TTL_MS')), 'workspace chunks were sent to be embedded');

    ollama.requests.length = 0;
    const search = await run(['search', 'how long does a session last?', '--workspace', workspace, '--index-dir', dir,
      '--embeddings', 'ollama', '--ollama-host', ollama.url, '--json']);
    assert.equal(search.code, 0, search.stderr);
    assert.ok(JSON.parse(search.stdout).length > 0);
    assert.ok(ollama.requestsTo('/api/embed').some((r) => (r.body.input as string[]).includes('how long does a session last?')), 'the question is embedded too');
  });

  it('index --embeddings ollama with no server: exit 1 at once, saying Ollama is not running', { timeout: 20_000 }, async () => {
    const dir = path.join(await tempDir(), 'index');
    const result = await run(['index', '--workspace', workspace, '--index-dir', dir, '--embeddings', 'ollama', '--ollama-host', deadHost]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`Ollama is not running at ${deadHost.replace(/\./g, '\\.')}\\. Start it with \`ollama serve\``));
  });

  it('embedderConfig: what --embeddings asks the index thread to build, flags over the environment', () => {
    assert.deepEqual(embedderConfig(readProviderFlags({}, 'index'), {}), { kind: 'offline' });
    assert.deepEqual(embedderConfig(readProviderFlags({ embeddings: 'ollama', 'embed-model': 'mxbai-embed-large' }, 'index'), { OLLAMA_HOST: 'gpu-box' }),
      { kind: 'ollama', host: 'gpu-box', model: 'mxbai-embed-large' });
    assert.deepEqual(embedderConfig(readProviderFlags({ embeddings: 'openai', 'base-url': 'http://127.0.0.1:1234/v1' }, 'index'),
      { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://elsewhere/v1' }),
    { kind: 'openai', baseURL: 'http://127.0.0.1:1234/v1', apiKey: KEY, model: undefined,
      keyHint: 'Set the OPENAI_API_KEY environment variable, or pass --base-url for a local OpenAI-compatible server.' });
    assert.throws(() => embedderConfig(readProviderFlags({ embeddings: 'ollama' }, 'index'), { OLLAMA_HOST: 'ftp://x' }),
      (err: unknown) => err instanceof UsageError && /OLLAMA_HOST must be a host or URL/.test(err.message));
  });
});
