// A further wave of sources in the panel (progressive context): the model searched again during its answer.
// The wave is its own group under the first sources: a line saying what the model searched for, then its cards,
// numbered on from the first wave so the answer's chips find them like any other card.
import type { ContextUpdateEvent } from '../src/protocol/events';
import { sourceCard } from './sourceCard';

export function contextWave(doc: Document, event: ContextUpdateEvent): HTMLElement {
  const group = doc.createElement('div');
  group.className = 'wave';
  group.dataset.wave = String(event.wave);
  group.setAttribute('role', 'group');
  const head = doc.createElement('div');
  head.className = 'wave-head';
  const found = event.sources.length === 0 ? 'nothing new' : `${event.sources.length} more source${event.sources.length === 1 ? '' : 's'}`;
  head.textContent = `Searched again: “${event.query}” · ${found}`;
  group.setAttribute('aria-label', head.textContent);
  group.append(head, ...event.sources.map((source) => sourceCard(doc, source)));
  return group;
}
