// A source card of the panel: where the passage is, its score, and the lines that best match the question
// with the question's words marked where the engine's `snippetMatches` say. File text only ever becomes text
// nodes: a snippet full of markup is shown as written and never parsed.
import type { SourceCardData } from '../src/protocol/events';

export function sourceCard(doc: Document, event: SourceCardData): HTMLButtonElement {
  const card = element(doc, 'button', 'source') as HTMLButtonElement;
  card.type = 'button';
  card.dataset.index = String(event.index);
  card.dataset.path = event.path;
  card.dataset.start = String(event.startLine);
  card.dataset.end = String(event.endLine);
  card.title = `Open ${event.path} at line ${event.startLine}`;
  const head = element(doc, 'div', 'source-head');
  const number = element(doc, 'span', 'source-index');
  number.textContent = String(event.index);
  const where = element(doc, 'span', 'source-path');
  where.textContent = `${event.path}:${event.startLine}-${event.endLine}`;
  const score = element(doc, 'span', 'source-score');
  score.textContent = event.score.toFixed(2);
  head.append(number, where, score);
  card.append(head, markedSnippet(doc, event.snippet, event.snippetMatches ?? []));
  return card;
}

/** The snippet as text, each matched range in a `<mark>`; ranges out of order or out of bounds are ignored. */
export function markedSnippet(doc: Document, snippet: string, matches: readonly (readonly [number, number])[]): HTMLElement {
  const pre = element(doc, 'pre', 'source-snippet');
  let at = 0;
  for (const [start, end] of matches) {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= at && end > start && end <= snippet.length)) continue;
    if (start > at) pre.append(doc.createTextNode(snippet.slice(at, start)));
    const mark = doc.createElement('mark');
    mark.textContent = snippet.slice(start, end);
    pre.append(mark);
    at = end;
  }
  if (at < snippet.length) pre.append(doc.createTextNode(snippet.slice(at)));
  return pre;
}

function element(doc: Document, tag: string, className: string): HTMLElement {
  const el = doc.createElement(tag);
  el.className = className;
  return el;
}
