// One citation grammar, three surfaces: the engine's events, the links of @rag in Chat and the panel's chips
// must agree on every answer, however the model splits it into tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { StreamingRag } from '../../src/engine/streamingRag';
import { ChatAnswerWriter } from '../../src/extension/chatAnswer';
import { CitationSpans } from '../../src/protocol/citationSpans';
import type { RagEvent } from '../../src/protocol/events';
import { renderAnswer } from '../../media/markdown';
import { fixedRetriever, scriptedLlm, source } from '../helpers/engineFakes';

const FIVE_SOURCES = [1, 2, 3, 4, 5].map((n) => source(`src/file${n}.ts`, `export const value${n} = ${n};`));
const window = new JSDOM('').window;
const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);

/** Each answer and the citations it holds, in order: a number, with `!` when no source has it. */
const TABLE: [string, string[]][] = [
  ['See [1].', ['1']],
  ['Both [1][2] agree.', ['1', '2']],
  ['Both [1, 2] agree.', ['1', '2']],
  ['Use items[1] here.', []],
  ['Call `fn([1])` now [3].', ['3']],
  ['Escaped \\[1] stays.', []],
  ['A link [1](https://example.com/a) is not a citation.', []],
  ['Bad [9] number, good [5].', ['9!', '5']],
  ['As said (see above)[3], yes.', []],
  ['```\nx = [2]\n```\nThen [4].', ['4']],
];

/** The ways a model may cut an answer into tokens: every two-piece split, and one character at a time. */
function tokenizations(answer: string): string[][] {
  const splits = Array.from({ length: answer.length + 1 }, (_, cut) => [answer.slice(0, cut), answer.slice(cut)].filter(Boolean));
  return [...splits, [...answer]];
}

async function engineEvents(tokens: string[]): Promise<RagEvent[]> {
  const rag = new StreamingRag({ retriever: fixedRetriever(FIVE_SOURCES), llm: scriptedLlm(tokens) });
  return (await rag.query('q')).events;
}

function fromEvents(events: RagEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'citation' ? [`${e.index}${e.valid ? '' : '!'}`] : []));
}

function fromChat(events: RagEvent[]): { markdown: string; citations: string[] } {
  const writer = new ChatAnswerWriter((n) => `{{cite:${n}}}`);
  let markdown = '';
  for (const e of events) {
    if (e.type === 'citation') writer.citation(e);
    if (e.type === 'token') markdown += writer.token(e.text);
  }
  const citations = [...markdown.matchAll(/\{\{cite:(\d+)\}\}|\\\[(\d+)\\\]/g)].map((m) => (m[1] ?? `${m[2]}!`));
  return { markdown, citations };
}

function fromPanel(events: RagEvent[]): { text: string; citations: string[] } {
  const spans = new CitationSpans();
  let text = '';
  for (const e of events) {
    if (e.type === 'citation') spans.add(e);
    if (e.type === 'token') text += e.text;
  }
  const dom = JSDOM.fragment(renderAnswer(text, spans, purify));
  const chips = [...dom.querySelectorAll('.cite')].map((chip) => `${chip.getAttribute('data-cite')}${chip.classList.contains('invalid') ? '!' : ''}`);
  return { text: dom.textContent ?? '', citations: chips };
}

describe('one citation grammar: events, chat links and panel chips agree', () => {
  for (const [answer, expected] of TABLE) {
    it(JSON.stringify(answer), async () => {
      for (const tokens of tokenizations(answer)) {
        const events = await engineEvents(tokens);
        const said = JSON.stringify(tokens);
        const text = events.map((e) => (e.type === 'token' ? e.text : '')).join('');
        assert.equal(text, answer, `the answer arrives whole for ${said}`);
        assert.deepEqual(fromEvents(events), expected, `events for ${said}`);
        const chat = fromChat(events);
        assert.deepEqual(chat.citations, expected, `chat links for ${said}`);
        if (expected.length === 0) assert.equal(chat.markdown, answer, 'chat shows text that is no citation as written');
        assert.deepEqual(fromPanel(events).citations, expected, `panel chips for ${said}`);
      }
    });
  }

  it('the panel shows bracketed text that is no citation as text', async () => {
    const panel = fromPanel(await engineEvents(['Use items[1] and (see above)[3].']));
    assert.match(panel.text, /items\[1\] and \(see above\)\[3\]/);
  });
});
