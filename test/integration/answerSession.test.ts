// The answer session every surface asks through: folders and their indexes on their own threads, the provider
// choice, history, statistics and settings changes, through the real clients against protocol fakes.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { AnswerSession } from '../../src/engine/session/answerSession';
import { threadIndexes } from '../../src/engine/session/folderIndexes';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { askAll, sessionOver } from '../helpers/session';
import { SAMPLE_PROJECT, makeWorkspace, tempDir, writeFiles } from '../helpers/workspace';

/** The bundled index thread (`npm run build`), as the CLI and the extension run it. */
const openIndex = threadIndexes(path.resolve(__dirname, '../../dist/indexWorker.js'));

describe('answer session', () => {
  let root: string;
  let index: WorkspaceIndex;
  let ollama: OllamaFake;
  before(async () => {
    root = await makeWorkspace(SAMPLE_PROJECT);
    index = await WorkspaceIndex.open({ root, indexDir: await tempDir() });
    await index.sync();
    ollama = await startOllamaFake();
  });
  after(async () => { await ollama.close(); });

  it('counts every question it answered, whoever answered it', async () => {
    const session = sessionOver(index, { choice: 'offline' }, { k: 3 });
    await askAll(session, 'how long does a session last?');
    await askAll(session, 'how are passwords checked?', { provider: 'ollama', modelName: 'llama3.2' });
    assert.equal(session.stats.totalStreams, 2);
    assert.ok(session.stats.totalTokens > 0);
  });

  it('answers with the provider and model a question asks for', async () => {
    const session = sessionOver(index, { choice: 'offline', ollama: { host: ollama.url } });
    const { events } = await askAll(session, 'how long does a session last?', { provider: 'ollama', modelName: 'llama3.2' });
    const start = events.find((e) => e.type === 'generation_start');
    assert.ok(start?.type === 'generation_start' && start.provider === 'ollama' && start.model === 'llama3.2');
    assert.equal(events.at(-1)?.type, 'generation_done');
  });

  it('reports a provider setting that names no provider after the sources, never silently auto', async () => {
    const session = sessionOver(index, { choice: 'olama' });
    const chats = ollama.requestsTo('/api/chat').length;
    const { events } = await askAll(session, 'how long does a session last?');
    assert.ok(events.some((e) => e.type === 'source'), 'the sources still show');
    const last = events.at(-1)!;
    assert.ok(last.type === 'error' && last.code === 'invalid_setting', JSON.stringify(last));
    assert.match(last.message, /"olama" is not one of auto, offline, ollama, openai, vscode/);
    assert.equal(ollama.requestsTo('/api/chat').length, chats, 'no provider was asked');
  });

  it('sends earlier questions and answers to the model as plain text', async () => {
    const session = sessionOver(index, { choice: 'ollama', ollama: { host: ollama.url, model: 'llama3.2' } });
    await askAll(session, 'and how is it renewed?', { history: [{ question: 'how long does a session last?', answer: 'One hour [1].' }] });
    const prompt: string = ollama.requestsTo('/api/chat').at(-1)!.body.messages.at(-1).content;
    assert.match(prompt, /Earlier question: how long does a session last\?\nEarlier answer: One hour \[1\]\./);
  });

  it('a stop during the provider check ends the stream as cancelled', async () => {
    const session = sessionOver(index, { choice: 'auto', ollama: { host: 'http://10.255.255.1:9' } });
    const controller = new AbortController();
    controller.abort();
    const { events } = await askAll(session, 'how long does a session last?', { signal: controller.signal });
    const last = events.at(-1)!;
    assert.ok(last.type === 'error' && last.code === 'cancelled', JSON.stringify(last));
  });
});

describe('answer session over indexes on their own threads', () => {
  let openai: OpenAIFake;
  before(async () => { openai = await startOpenAIFake({ apiKey: 'key-two' }); });
  after(async () => { await openai.close(); });

  it('a new OpenAI key reaches the index thread at once: embeddings work without a restart', { timeout: 60_000 }, async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const embedder = (apiKey: string) => ({ kind: 'openai' as const, baseURL: openai.baseURL, apiKey });
    const session = new AnswerSession({
      folders: [{ name: 'ws', root, indexDir: await tempDir() }],
      index: { embedder: embedder('key-one') },
      providers: { choice: 'offline' },
      openIndex,
    });
    try {
      await assert.rejects(session.reindex(), (err: Error & { code?: string }) => err.code === 'unauthorized', 'the old key is refused');
      assert.equal(await session.configure({ index: { embedder: embedder('key-two') } }), true, 'the index reopens with the new key');
      const [summary] = await session.reindex();
      assert.ok(summary.chunks > 0);
      assert.ok(openai.requestsTo('/v1/embeddings').some((r) => r.headers.authorization === 'Bearer key-two'));
      assert.equal((await session.search('how long does a session last?', { k: 1 })).length, 1);
      assert.equal(openai.requestsTo('/v1/embeddings').at(-1)!.headers.authorization, 'Bearer key-two', 'questions are embedded with the new key too');
    } finally {
      await session.close();
    }
  });

  it('routes a watcher\'s changes to the folder that holds them, and reports progress as state', { timeout: 60_000 }, async () => {
    const [a, b] = [await makeWorkspace(SAMPLE_PROJECT), await makeWorkspace({ 'notes.md': '# Notes\nNothing here yet.\n' })];
    const session = new AnswerSession({
      folders: [{ name: 'app', root: a, indexDir: await tempDir() }, { name: 'notes', root: b, indexDir: await tempDir() }],
      providers: { choice: 'offline' },
      openIndex,
    });
    const phases = new Set<string>();
    session.onStateChange((state) => { if (state.progress) phases.add(state.progress.phase); });
    try {
      await session.reindex();
      assert.ok(phases.has('indexing') && session.state.folders.length === 2 && session.state.chunks > 0);
      await writeFiles(b, { 'zebra.md': '# Zebra crossings\nThe zebra crossing rule applies at dawn.\n' });
      const [summary] = await session.updateFiles([path.join(b, 'zebra.md')], []);
      assert.equal(summary.indexedFiles, 1);
      const [best] = await session.search('zebra crossing dawn', { k: 1 });
      assert.equal(best.path, 'notes/zebra.md', 'with several folders, paths start with the folder\'s name');
    } finally {
      await session.close();
    }
  });
});
