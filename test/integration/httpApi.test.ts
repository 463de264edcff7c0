import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { ApiServer } from '../../src/cli/serve/apiServer';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import type { AnswerSession } from '../../src/engine/session/answerSession';
import type { RagEvent } from '../../src/protocol/events';
import type { ApiError, HealthResponse, SearchResponse } from '../../src/protocol/httpApi';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { delay } from '../helpers/protocolServer';
import { sessionOver } from '../helpers/session';
import { readSse, type SseFrame } from '../helpers/sse';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const ANSWER = ['Sessions ', 'last ', 'one hour ', '[1]', ', then the user ', 'logs in again.'];

interface Running { server: ApiServer; url: string; session: AnswerSession }

describe('workspace-rag serve: the HTTP API through real clients', () => {
  let fake: OllamaFake;
  let index: WorkspaceIndex;
  const servers: Running[] = [];

  /** A server on a free loopback port, answering with the Ollama fake. */
  async function start(options: { token?: string; keepAliveMs?: number; maxAnswers?: number } = {}): Promise<Running> {
    const session = sessionOver(index, { choice: 'ollama', ollama: { host: fake.url, model: 'llama3.2' } });
    const server = new ApiServer(session, { host: '127.0.0.1', port: 0, ...options });
    const running = { server, url: await server.listen(), session };
    servers.push(running);
    return running;
  }

  const ask = (url: string, body: unknown, init: RequestInit = {}) => fetch(new URL('v1/ask', url), {
    method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body), signal: init.signal,
  });

  async function frames(response: Response): Promise<SseFrame[]> {
    const all: SseFrame[] = [];
    for await (const frame of readSse(response.body!)) all.push(frame);
    return all;
  }

  before(async () => {
    fake = await startOllamaFake();
    const root = await makeWorkspace(SAMPLE_PROJECT);
    index = await WorkspaceIndex.open({ root, indexDir: await tempDir() });
    await index.sync();
  });

  after(async () => {
    for (const { server, session } of servers) {
      await server.close();
      await session.close();
    }
    await fake.close();
  });

  it('POST /v1/ask streams every event as event: TYPE / data: JSON, in protocol order, and ends after generation_done', async () => {
    const { url } = await start();
    fake.defaultChat = { tokens: ANSWER, tokenDelayMs: 60 };
    const response = await ask(url, { question: 'how long does a session last?', k: 3 });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const received = (await frames(response)).filter((f) => f.event !== undefined);
    const events = received.map((f) => JSON.parse(f.data) as RagEvent);
    received.forEach((f, i) => assert.equal(f.event, events[i].type, 'the event: field names the event\'s type'));
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'retrieval_start');
    assert.equal(types.at(-1), 'generation_done');
    const firstToken = types.indexOf('token');
    assert.ok(types.lastIndexOf('source') < firstToken && types.indexOf('retrieval_done') < firstToken && types.indexOf('generation_start') < firstToken);
    assert.ok(events.some((e) => e.type === 'source' && e.path === 'src/auth/session.ts'));
    assert.equal(events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join(''), ANSWER.join(''));
    assert.ok(events.some((e) => e.type === 'citation' && e.index === 1 && e.valid));
    const tokenFrames = received.filter((f) => f.event === 'token');
    assert.ok(tokenFrames.at(-1)!.at - tokenFrames[0].at > 150, 'tokens arrive as the model sends them (60 ms apart), not all at the end');
  });

  it('POST /v1/ask carries a model\'s extra search as event: context_update, its sources numbered after the first', async () => {
    const { url } = await start();
    fake.chatReplies.push({ tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'rate limiting' } }] }, { tokens: ['100 a minute [2].'] });
    const received = (await frames(await ask(url, { question: 'how long does a session last?', k: 1 }))).filter((f) => f.event !== undefined);
    const update = received.find((f) => f.event === 'context_update');
    assert.ok(update, received.map((f) => f.event).join(' '));
    const event = JSON.parse(update.data) as RagEvent;
    assert.ok(event.type === 'context_update' && event.wave === 2 && event.sources[0].index === 2, update.data);
    const citation = received.map((f) => JSON.parse(f.data) as RagEvent).find((e) => e.type === 'citation');
    assert.ok(citation?.type === 'citation' && citation.index === 2 && citation.valid);
    assert.equal(received.at(-1)?.event, 'generation_done');
  });

  it('an SSE client library (eventsource) receives the same events, by type', async () => {
    const { url } = await start();
    fake.defaultChat = { tokens: ANSWER };
    const types: string[] = [];
    const tokens: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const source = new EventSource(new URL('v1/ask', url), {
        fetch: (input, init) => fetch(input, { ...init, method: 'POST', headers: { ...init?.headers, 'content-type': 'application/json' }, body: JSON.stringify({ question: 'how long does a session last?' }) }),
      });
      const listen = (type: RagEvent['type']) => source.addEventListener(type, (e) => {
        types.push(type);
        const event = JSON.parse(e.data) as RagEvent;
        if (event.type === 'token') tokens.push(event.text);
        if (type === 'generation_done' || type === 'error') {
          source.close(); // the answer is complete: no reconnection
          resolve();
        }
      });
      for (const type of ['retrieval_start', 'source', 'retrieval_done', 'generation_start', 'token', 'citation', 'generation_done', 'error'] as const) listen(type);
      source.onerror = (e) => { source.close(); reject(new Error(`EventSource failed: ${e.message}`)); };
    });
    assert.equal(types[0], 'retrieval_start');
    assert.ok(types.lastIndexOf('source') < types.indexOf('token'));
    assert.equal(types.at(-1), 'generation_done');
    assert.equal(tokens.join(''), ANSWER.join(''));
  });

  it('a client that disconnects mid-answer cancels it, and the provider\'s HTTP request is closed', async () => {
    const { url } = await start();
    fake.defaultChat = { tokens: Array.from({ length: 100 }, (_, i) => `word${i} `), tokenDelayMs: 100 };
    const controller = new AbortController();
    const before = fake.requestsTo('/api/chat').length;
    const response = await ask(url, { question: 'how long does a session last?' }, { signal: controller.signal });
    for await (const frame of readSse(response.body!)) {
      if (frame.event === 'token') break; // leaves the loop: the body is cancelled
    }
    controller.abort();
    const request = fake.requestsTo('/api/chat')[before];
    assert.ok(request, 'the answer reached the model');
    await Promise.race([request.ended, delay(5_000).then(() => { throw new Error('the provider request was still open 5 s after the client left'); })]);
    assert.equal(request.closedByClient, true, 'the fake saw its socket closed before the answer was complete');
  });

  it('sends a keep-alive comment while the stream is idle (a model loading)', async () => {
    const { url } = await start({ keepAliveMs: 50 });
    fake.defaultChat = { tokens: ANSWER, firstTokenDelayMs: 400 };
    const all = await frames(await ask(url, { question: 'how long does a session last?' }));
    const firstToken = all.findIndex((f) => f.event === 'token');
    const comments = all.slice(0, firstToken).filter((f) => f.comment === 'keep-alive');
    assert.ok(comments.length >= 3, `expected keep-alive comments before the first token, got ${comments.length}`);
  });

  it('answers 429 with Retry-After when the concurrent answers are at their bound, and takes new ones after', async () => {
    const { url } = await start({ maxAnswers: 2 });
    fake.defaultChat = { tokens: Array.from({ length: 50 }, (_, i) => `w${i} `), tokenDelayMs: 50 };
    const controllers = [new AbortController(), new AbortController()];
    const streams = await Promise.all(controllers.map((c) => ask(url, { question: 'sessions?' }, { signal: c.signal })));
    assert.deepEqual(streams.map((r) => r.status), [200, 200]);
    const refused = await ask(url, { question: 'one more?' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '2');
    assert.match(((await refused.json()) as ApiError).error.message, /2 answers are streaming already/);
    for (const c of controllers) c.abort();
    for (const r of streams) await r.body?.cancel().catch(() => undefined);
    fake.defaultChat = { tokens: ANSWER };
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const again = await ask(url, { question: 'sessions?' });
      status = again.status;
      await again.body?.cancel();
      if (status !== 200) await delay(50);
    }
    assert.equal(status, 200, 'a slot is free again once the clients left');
  });

  it('POST /v1/search answers JSON passages; /v1/health tells the index and who answers', async () => {
    const { url } = await start();
    const search = await fetch(new URL('v1/search', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'database connection pool size', k: 2 }) });
    assert.equal(search.status, 200);
    const body = await search.json() as SearchResponse;
    assert.equal(body.results[0].path, 'src/db/pool.ts');
    assert.ok(body.results.length <= 2 && body.indexComplete === true);
    assert.deepEqual(Object.keys(body.results[0]), ['path', 'startLine', 'endLine', 'score', 'text']);
    const health = await (await fetch(new URL('v1/health', url))).json() as HealthResponse;
    assert.equal(health.ok, true);
    assert.equal(health.index.files, 4);
    assert.equal(health.answers.provider, 'ollama');
    assert.equal(health.answers.model, 'llama3.2');
  });

  it('POST /v1/index streams progress, then done with the summaries', async () => {
    const { url } = await start();
    const all = (await frames(await fetch(new URL('v1/index', url), { method: 'POST' }))).filter((f) => f.event !== undefined);
    assert.ok(all.some((f) => f.event === 'progress'), JSON.stringify(all));
    assert.equal(all.at(-1)!.event, 'done');
    assert.equal(JSON.parse(all.at(-1)!.data).summaries[0].files, 4);
  });

  it('POST /v1/index streams file_stage events for each re-indexed file to a real EventSource client, then done', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const own = await WorkspaceIndex.open({ root, indexDir: await tempDir() });
    const session = sessionOver(own, { choice: 'offline' });
    const server = new ApiServer(session, { host: '127.0.0.1', port: 0 });
    servers.push({ server, url: await server.listen(), session });
    const received: { type: string; data: { path?: string; stage?: string; summaries?: { indexedFiles: number }[] } }[] = [];
    await new Promise<void>((resolve, reject) => {
      const source = new EventSource(new URL('v1/index', servers.at(-1)!.url), { fetch: (input, init) => fetch(input, { ...init, method: 'POST' }) });
      for (const type of ['progress', 'file_stage', 'file_error', 'done', 'error']) {
        source.addEventListener(type, (e) => {
          received.push({ type, data: JSON.parse(e.data) });
          if (type === 'done' || type === 'error') {
            source.close(); // the job is over: no reconnection
            resolve();
          }
        });
      }
      source.onerror = (e) => { source.close(); reject(new Error(`EventSource failed: ${e.message}`)); };
    });
    assert.equal(received.at(-1)!.type, 'done', JSON.stringify(received.at(-1)));
    const stages = received.filter((r) => r.type === 'file_stage');
    const files = [...new Set(stages.map((r) => r.data.path))];
    assert.equal(files.length, received.at(-1)!.data.summaries![0].indexedFiles);
    for (const file of files) assert.deepEqual(stages.filter((r) => r.data.path === file).map((r) => r.data.stage), ['read', 'chunked', 'embedded', 'stored'], file);
    assert.ok(received.findIndex((r) => r.type === 'file_stage') < received.findLastIndex((r) => r.type === 'progress'), 'file events come while the job runs, beside its progress');
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, takes its own', async () => {
    const { url } = await start();
    const port = Number(new URL(url).port);
    const get = (headers: Record<string, string>) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/health', headers }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    const rebound = await get({ Host: `attacker.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.equal(JSON.parse(rebound.body).error.code, 'forbidden_host');
    assert.equal((await get({ Host: `127.0.0.1:${port + 1}` })).status, 403, 'another port is another origin');
    const foreign = await get({ Host: `127.0.0.1:${port}`, Origin: 'http://attacker.example' });
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.body).error.code, 'forbidden_origin');
    assert.equal((await get({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).status, 200);
    assert.equal((await get({ Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` })).status, 200);
  });

  it('with a token, every request needs it as a Bearer token', async () => {
    const { url } = await start({ token: 'correct horse battery staple' });
    const health = (authorization?: string) => fetch(new URL('v1/health', url), { headers: authorization ? { authorization } : {} });
    const missing = await health();
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await health('Bearer correct horse battery stapler')).status, 401);
    assert.equal((await health('Basic correct horse battery staple')).status, 401);
    assert.equal((await health('Bearer correct horse battery staple')).status, 200);
    const unauthorizedAsk = await ask(url, { question: 'sessions?' });
    assert.equal(unauthorizedAsk.status, 401);
  });

  it('refuses malformed JSON, bad fields, other content types, large bodies, unknown paths and methods, each with a message', async () => {
    const { url } = await start();
    const post = (path: string, body: string, type = 'application/json') => fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': type }, body });
    const malformed = await post('v1/ask', '{"question": "sessions?"');
    assert.equal(malformed.status, 400);
    const { error } = await malformed.json() as ApiError;
    assert.equal(error.code, 'malformed_json');
    assert.match(error.message, /not valid JSON/);
    const cases: [Response, number, RegExp][] = [
      [await post('v1/ask', JSON.stringify({ k: 3 })), 400, /"question" must be a non-empty string/],
      [await post('v1/ask', JSON.stringify({ question: 'x', k: 99 })), 400, /"k" must be a whole number from 1 to 20/],
      [await post('v1/ask', JSON.stringify({ question: 'x', provider: 'skynet' })), 400, /"provider" must be one of auto, offline, ollama, openai/],
      [await post('v1/ask', JSON.stringify({ question: 'x', history: [{ question: 1 }] })), 400, /"history" must be a list/],
      [await post('v1/search', JSON.stringify({ question: 'x' })), 400, /"query" must be a non-empty string/],
      [await post('v1/ask', 'question=x', 'application/x-www-form-urlencoded'), 415, /Content-Type: application\/json/],
      [await post('v1/ask', JSON.stringify({ question: 'x'.repeat(300 * 1024) })), 413, /larger than 256 KB/],
      [await fetch(new URL('v1/nothing', url)), 404, /No such endpoint/],
      [await fetch(new URL('v1/ask', url)), 405, /takes POST/],
    ];
    for (const [response, status, message] of cases) {
      assert.equal(response.status, status, `${response.url}: ${status}`);
      assert.match(((await response.json()) as ApiError).error.message, message);
    }
  });
});
