// POST /v1/summarize: the summary as Server-Sent Events through fetch, with the Ollama fake's model and
// offline; a path outside the folder; a client that leaves stops the model's stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../src/cli/serve/apiServer';
import { AnswerSession } from '../../src/engine/session/answerSession';
import type { SummaryEvent } from '../../src/protocol/events';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { readSse } from '../helpers/sse';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const guide = ['# Operations guide', '', ...Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? `## Task ${i / 20 + 1}` : `Task step ${i}: rotate the logs of service ${i % 7} and check the disk quota.`))].join('\n');

describe('POST /v1/summarize', () => {
  let fake: OllamaFake;
  let session: AnswerSession;
  let server: ApiServer;
  let url: string;

  before(async () => {
    fake = await startOllamaFake();
    const root = await makeWorkspace({ 'docs/ops.md': guide });
    session = new AnswerSession({ folders: [{ name: 'ws', root, indexDir: await tempDir() }], providers: { choice: 'ollama', ollama: { host: fake.url, model: 'llama3.2' } } });
    server = new ApiServer(session, { host: '127.0.0.1', port: 0 });
    url = await server.listen();
  });
  after(async () => {
    await server.close();
    await session.close();
    await fake.close();
  });

  const post = (body: unknown, signal?: AbortSignal) => fetch(new URL('v1/summarize', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  async function events(response: Response): Promise<SummaryEvent[]> {
    const list: SummaryEvent[] = [];
    for await (const frame of readSse(response.body!)) {
      if (frame.event === undefined) continue;
      const event = JSON.parse(frame.data) as SummaryEvent;
      assert.equal(frame.event, event.type, 'the SSE event name is the event type');
      list.push(event);
    }
    return list;
  }

  it('streams the summary events, each window summarised by the model, ending after summary_done', async () => {
    fake.defaultChat = { tokens: ['- Rotates ', 'logs.'] };
    const response = await post({ path: 'docs/ops.md' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
    const list = await events(response);
    const start = list[0];
    assert.ok(start.type === 'summary_start' && start.provider === 'ollama' && start.path === 'docs/ops.md');
    assert.equal(list.at(-1)!.type, 'summary_done');
    const text = list.map((e) => (e.type === 'token' ? e.text : '')).join('');
    assert.equal(text.match(/- Rotates logs\./g)?.length, start.windows);
  });

  it('offline on request: the outline, its sources and citations', async () => {
    const list = await events(await post({ path: 'docs/ops.md', provider: 'offline' }));
    assert.ok(list[0].type === 'summary_start' && list[0].provider === 'offline');
    assert.ok(list.some((e) => e.type === 'source' && e.startLine === 1));
    assert.ok(list.some((e) => e.type === 'citation' && e.index === 1 && e.valid));
  });

  it('a path outside the workspace ends the stream with path_not_allowed; a bad body is a 400', async () => {
    const list = await events(await post({ path: '../../../etc/passwd' }));
    assert.equal(list.length, 1);
    assert.ok(list[0].type === 'error' && list[0].code === 'path_not_allowed');
    const bad = await post({ file: 'docs/ops.md' });
    assert.equal(bad.status, 400);
    assert.match((await bad.json() as { error: { message: string } }).error.message, /"path" must be a non-empty string/);
  });

  it('a client that goes away stops the summary and closes the request to the model', async () => {
    fake.defaultChat = { tokens: ['- one', ' two'], stallAfter: 1 };
    fake.requests.length = 0;
    const controller = new AbortController();
    const response = await post({ path: 'docs/ops.md' }, controller.signal);
    const reader = readSse(response.body!);
    for await (const frame of reader) {
      if (frame.event === 'token' && JSON.parse(frame.data).text === '- one') break;
    }
    controller.abort();
    const deadline = Date.now() + 5000;
    while (!fake.requestsTo('/api/chat')[0]?.closedByClient && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fake.requestsTo('/api/chat')[0].closedByClient, 'the model request was closed');
    assert.equal(fake.requestsTo('/api/chat').length, 1, 'no further window was asked for');
  });
});
