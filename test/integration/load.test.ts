// Hardening under load: one engine serving many answers at once and many in a row, through the real
// `ollama` client against a local protocol fake speaking Ollama's NDJSON. Rows of docs/reliability.md point here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RagEvent } from '../../src/protocol/events';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { OLLAMA_NDJSON } from '../helpers/ollamaFake';
import { playStream, startProtocolServer, type ProtocolServer } from '../helpers/protocolServer';
import { askAll, sessionOver } from '../helpers/session';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const TOKENS_PER_ANSWER = 30;

/** An Ollama protocol fake whose every answer names the question it answers, in each token. */
async function startEchoingOllama(tokenDelayMs: number): Promise<ProtocolServer> {
  return startProtocolServer(async (req, res, record) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/api/tags') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] }));
      return;
    }
    const prompt: string = record.body.messages.at(-1).content;
    const marker = /Question: (stream-\d+)/.exec(prompt)?.[1] ?? 'unknown';
    const tokens = Array.from({ length: TOKENS_PER_ANSWER }, (_, i) => `${marker}#${i} `);
    await playStream(res, record, { tokens, tokenDelayMs }, OLLAMA_NDJSON);
  });
}

describe('load: one answer session, many answers (protocol fake of Ollama)', () => {
  let index: WorkspaceIndex;
  before(async () => {
    index = await WorkspaceIndex.open({ root: await makeWorkspace(SAMPLE_PROJECT), indexDir: await tempDir() });
    await index.sync();
  });

  describe('20 answers at once', () => {
    let server: ProtocolServer;
    before(async () => { server = await startEchoingOllama(15); });
    after(async () => { await server.close(); });

    it('all complete, no token of one answer appears in another, and stopping half leaves the rest intact', async () => {
      const session = sessionOver(index, { choice: 'ollama', ollama: { host: server.url, model: 'llama3.2' } });
      const results = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const controller = new AbortController();
        const events: RagEvent[] = [];
        let tokens = 0;
        for await (const event of session.ask(`stream-${i}`, { signal: controller.signal })) {
          events.push(event);
          if (event.type === 'token' && ++tokens === 5 && i % 2 === 1) controller.abort();
        }
        return { i, events };
      }));
      for (const { i, events } of results) {
        const text = events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join('');
        const foreign = text.split(' ').filter((t) => t && !t.startsWith(`stream-${i}#`));
        assert.deepEqual(foreign, [], `answer ${i} holds only its own tokens`);
        const last = events.at(-1)!;
        if (i % 2 === 0) {
          assert.equal(last.type, 'generation_done', `answer ${i} completed`);
          assert.equal(text, Array.from({ length: TOKENS_PER_ANSWER }, (_, t) => `stream-${i}#${t} `).join(''), `answer ${i} is whole and in order`);
        } else {
          assert.ok(last.type === 'error' && last.code === 'cancelled', `answer ${i} was stopped`);
          assert.ok(text.length < TOKENS_PER_ANSWER * 8);
        }
      }
      const chats = server.requests.filter((r) => r.path.startsWith('/api/chat'));
      assert.equal(chats.length, 20);
      await Promise.all(chats.map((r) => r.ended));
      assert.equal(chats.filter((r) => r.closedByClient).length, 10, 'each stopped answer closed its HTTP stream');
      assert.ok(server.maxInFlight >= 10, `answers really ran at once (${server.maxInFlight} in flight)`);
      assert.deepEqual(session.stats.totalStreams, 20);
    });
  });

  describe('500 answers in a row', () => {
    let server: ProtocolServer;
    before(async () => { server = await startEchoingOllama(0); });
    after(async () => { await server.close(); });

    it('all complete; memory at 100 and 500 answers is reported', { timeout: 300_000 }, async (t) => {
      const session = sessionOver(index, { choice: 'ollama', ollama: { host: server.url, model: 'llama3.2' } });
      const rss: Record<number, number> = {};
      const heap: Record<number, number> = {};
      for (let i = 1; i <= 500; i++) {
        const { answer, events } = await askAll(session, `stream-${i}`);
        assert.equal(events.at(-1)?.type, 'generation_done', `answer ${i}`);
        assert.ok(answer.startsWith(`stream-${i}#0 `));
        if (i === 100 || i === 500) {
          (globalThis as { gc?: () => void }).gc?.();
          rss[i] = Math.round(process.memoryUsage().rss / 1024 / 1024);
          heap[i] = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
        }
      }
      assert.deepEqual(session.stats.totalStreams, 500, 'statistics accumulate across the questions of a session');
      assert.deepEqual(session.stats.totalErrors, 0);
      t.diagnostic(`after 100 answers: RSS ${rss[100]} MB, heap ${heap[100]} MB; after 500: RSS ${rss[500]} MB, heap ${heap[500]} MB`);
    });
  });
});
