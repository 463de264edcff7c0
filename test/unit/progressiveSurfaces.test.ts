// A progressive answer on the surfaces that draw it: the panel's second group of cards and the CLI's lines,
// from the engine's real events (a scripted model that calls the search tool once).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { contextWave } from '../../media/contextWave';
import { AnswerPrinter } from '../../src/cli/render';
import { StreamingRag } from '../../src/engine/streamingRag';
import type { ContextUpdateEvent, RagEvent } from '../../src/protocol/events';
import { source, toolModel } from '../helpers/engineFakes';

const plain = { bold: String, dim: String, cyan: String, yellow: String, red: String, green: String } as never;

async function progressiveEvents(): Promise<RagEvent[]> {
  const llm = toolModel([{ calls: [{ arguments: '{"query":"rate limit"}' }] }, { text: 'Sessions last an hour [1]; clients get 100 requests a minute [2].' }]);
  const rag = new StreamingRag({
    retriever: {
      retrieve: () => [source('src/auth/session.ts', 'export const SESSION_TTL_MS = 60 * 60 * 1000;', 4)],
      searchMore: async () => [source('docs/limits.md', 'Each client may send 100 requests per minute.\n<img src=x onerror=alert(1)>', 9)],
    },
    llm,
  });
  return (await rag.query('how long does a session last?')).events;
}

describe('progressive answers on the surfaces', () => {
  it('the panel shows a wave as its own group: what was searched, then cards numbered on', async () => {
    const wave = (await progressiveEvents()).find((e): e is ContextUpdateEvent => e.type === 'context_update')!;
    const doc = new JSDOM('').window.document;
    const group = contextWave(doc, wave);
    assert.equal(group.querySelector('.wave-head')!.textContent, 'Searched again: “rate limit” · 1 more source');
    const cards = [...group.querySelectorAll<HTMLElement>('.source')];
    assert.deepEqual(cards.map((c) => [c.dataset.index, c.dataset.path, c.dataset.start]), [['2', 'docs/limits.md', '9']]);
    assert.equal(group.querySelectorAll('img').length, 0, 'file text stays text');
  });

  it('the CLI prints the wave between the sources and the answer, and lists its cited source', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => { text += chunk; });
    const printer = new AnswerPrinter(out, new PassThrough(), plain);
    for (const event of await progressiveEvents()) printer.print(event);
    assert.match(text, /Sources\n {2}\[1\] src\/auth\/session\.ts:4-4/);
    assert.match(text, /Searched again: "rate limit" · 1 more source\n {2}\[2\] docs\/limits\.md:9-10/);
    assert.match(text, /Cited\n {2}\[1\] src\/auth\/session\.ts:4-4\n {2}\[2\] docs\/limits\.md:9-10\n/);
    assert.ok(text.indexOf('Searched again') < text.indexOf('Sessions last an hour'), 'the wave comes before the answer that cites it');
  });
});
