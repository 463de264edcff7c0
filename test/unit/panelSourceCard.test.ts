// The panel's source cards in a DOM (jsdom): the snippet's matched words are marked where the engine says,
// from text nodes only, so markup in a file is shown as written and never becomes an element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { markedSnippet, sourceCard } from '../../media/sourceCard';
import { StreamingRag } from '../../src/engine/streamingRag';
import type { SourceEvent } from '../../src/protocol/events';
import { fixedRetriever, scriptedLlm, source } from '../helpers/engineFakes';

const doc = new JSDOM('').window.document;

function marks(el: HTMLElement): string[] {
  return [...el.querySelectorAll('mark')].map((m) => m.textContent ?? '');
}

describe('panel source cards', () => {
  it('mark the words the engine matched, for a real question and source', async () => {
    const file = source('src/auth/gate.ts', 'export class Gate {\n  check(request) {\n    return Boolean(request.authorization) && getUserName(request) !== "";\n  }\n}', 3);
    const rag = new StreamingRag({ retriever: fixedRetriever([file]), llm: scriptedLlm(['ok']) });
    const event = (await rag.query('how do I authorize a user by name?')).events.find((e): e is SourceEvent => e.type === 'source')!;
    const card = sourceCard(doc, event);
    const snippet = card.querySelector<HTMLElement>('.source-snippet')!;
    assert.deepEqual(marks(snippet), ['authorization', 'UserName']);
    assert.equal(snippet.textContent, event.snippet, 'the card shows the snippet\'s text exactly');
    assert.equal(card.querySelector('.source-path')!.textContent, 'src/auth/gate.ts:3-7');
    assert.equal(card.dataset.start, '3');
  });

  it('show markup from files as text, marks included, and create no element from it', () => {
    const snippet = '<img src=x onerror="alert(1)"> <script>alert(2)</script> token';
    const start = snippet.indexOf('onerror');
    const el = markedSnippet(doc, snippet, [[start, start + 7], [snippet.length - 5, snippet.length]]);
    assert.equal(el.textContent, snippet);
    assert.deepEqual(marks(el), ['onerror', 'token']);
    assert.equal(el.querySelectorAll('img, script').length, 0);
    assert.deepEqual([...el.children].map((c) => c.tagName), ['MARK', 'MARK']);
  });

  it('ignore ranges that overlap, run backwards or fall outside the snippet', () => {
    const el = markedSnippet(doc, 'alpha beta gamma', [[0, 5], [3, 8], [11, 16], [9, 7], [14, 40]]);
    assert.equal(el.textContent, 'alpha beta gamma');
    assert.deepEqual(marks(el), ['alpha', 'gamma']);
  });
});
