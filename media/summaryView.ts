// A file's summary in the panel: a progress bar (window i of n, the lines being read) above the summary
// text, and its sources (each part's line range) in a folded list, so a long file's dozens of ranges do not
// push the summary out of sight. Citation chips find their card in that list, as in answers.
import type { RagEvent } from '../src/protocol/events';
import type { WebviewMessage } from '../src/protocol/webview';
import { sourceCard } from './sourceCard';

/** The parts of a turn's view this module draws into. */
export interface SummaryTurnView {
  sources: HTMLElement;
  meta: HTMLElement;
}

interface Parts {
  bar: HTMLProgressElement;
  label: HTMLElement;
  list: HTMLDetailsElement;
  count: HTMLElement;
  windows: number;
  window: number;
}

const drawn = new WeakMap<SummaryTurnView, Parts>();

/** Draws the progress and the folded source list of a summary turn, before its first event. */
export function startSummary(view: SummaryTurnView): void {
  const progress = element('div', 'summary-progress');
  progress.setAttribute('role', 'status');
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const label = element('span', 'summary-progress-label');
  label.textContent = 'Reading the file…';
  progress.append(bar, label);
  const list = document.createElement('details');
  list.className = 'summary-sources';
  list.hidden = true;
  const count = document.createElement('summary');
  list.append(count);
  view.sources.append(progress, list);
  drawn.set(view, { bar, label, list, count, windows: 0, window: 0 });
}

/** Shows one of a summary's own events; returns false for the events the panel shows as for answers (tokens, citations, errors). */
export function applySummaryEvent(view: SummaryTurnView, event: RagEvent): boolean {
  const parts = drawn.get(view);
  if (!parts) return false;
  switch (event.type) {
    case 'summary_start':
      parts.windows = event.windows;
      parts.bar.max = Math.max(1, event.windows);
      parts.label.textContent = `${event.windows} ${event.windows === 1 ? 'window' : 'windows'} · ${event.lines.toLocaleString()} lines`;
      view.meta.textContent = `${event.path} · ${event.provider} · ${event.model}`;
      return true;
    case 'summary_progress':
      parts.window = event.window;
      parts.bar.value = event.window - 1;
      parts.label.textContent = `Window ${event.window} of ${event.windows} · lines ${event.startLine}–${event.endLine} · ${Math.round(event.percent)}%`;
      return true;
    case 'source':
      parts.list.append(sourceCard(document, event));
      parts.list.hidden = false;
      parts.count.textContent = `${event.index} ${event.index === 1 ? 'source' : 'sources'} (line ranges)`;
      return true;
    case 'summary_done':
      parts.bar.value = parts.bar.max;
      parts.label.textContent = `Summarised ${event.windows} ${event.windows === 1 ? 'window' : 'windows'} in ${(event.totalMs / 1000).toFixed(1)} s`;
      return true;
    case 'error':
      parts.label.textContent = parts.windows > 0 ? `${event.code === 'cancelled' ? 'Stopped' : 'Failed'} at window ${parts.window} of ${parts.windows}` : 'Not summarised';
      return false;
    default:
      return false;
  }
}

/** The panel's "Summarize" button: the path typed in the box, or (in VS Code) the active editor's file. */
export function wireSummarizeButton(button: HTMLButtonElement, input: HTMLTextAreaElement, post: (message: WebviewMessage) => void): void {
  button.addEventListener('click', () => {
    const path = input.value.trim();
    post(path ? { type: 'summarize', path } : { type: 'summarize' });
    if (path) input.value = '';
  });
}

function element(tag: string, className: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  return el;
}
