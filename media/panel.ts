// The sidebar panel: a question box, the answers as they stream, their sources as cards. Talks to the
// extension only through the typed messages of src/protocol/webview.ts. Text from files and from the model is
// put in the page as text (textContent) or through the sanitising Markdown renderer, never as raw HTML.
import { CitationSpans } from '../src/protocol/citationSpans';
import { actionsFor, type UserAction } from '../src/protocol/errorCodes';
import type { ErrorEvent, RagEvent } from '../src/protocol/events';
import type { HostMessage, IndexView, Turn, WebviewMessage } from '../src/protocol/webview';
import { connectHost } from './hostConnection';
import { conversationControls } from './conversations';
import { showFileActivity } from './indexView';
import { renderAnswer } from './markdown';
import { contextWave } from './contextWave';
import { sourceCard } from './sourceCard';
import { applySummaryEvent, startSummary, wireSummarizeButton } from './summaryView';

const host = connectHost(receive);
const post = (message: WebviewMessage) => host.post(message);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const conversation = $<HTMLDivElement>('conversation');
const form = $<HTMLFormElement>('ask-form');
const input = $<HTMLTextAreaElement>('question');
const askButton = $<HTMLButtonElement>('ask');
const stopButton = $<HTMLButtonElement>('stop');
const summarizeButton = $<HTMLButtonElement>('summarize');
const indexLine = $<HTMLDivElement>('index-state');
const indexFiles = $<HTMLDetailsElement>('index-files');
const modelLine = $<HTMLDivElement>('model');
const empty = $<HTMLDivElement>('empty');

/** The DOM of one turn, kept so streaming updates touch only what changed. */
interface TurnView {
  turn: Turn;
  root: HTMLElement;
  sources: HTMLElement;
  answer: HTMLElement;
  meta: HTMLElement;
  text: string;
  /** Where the engine said the answer's citations are. */
  citations: CitationSpans;
  /** Whether the answer needs rendering at the next animation frame. */
  dirty: boolean;
}

const views = new Map<number, TurnView>();
let streamingTurn: number | undefined;
let frameRequested = false;

function receive(message: HostMessage): void {
  switch (message.type) {
    case 'restore':
      conversation.replaceChildren(empty);
      views.clear();
      for (const turn of message.turns) addTurn(turn);
      showIndex(message.index);
      modelLine.textContent = message.model.label;
      conversations.show(message.conversations);
      empty.hidden = message.turns.length > 0;
      setStreaming(message.turns.find((t) => t.status === 'streaming')?.id);
      break;
    case 'conversations':
      conversations.show(message.conversations);
      break;
    case 'turn':
      addTurn(message.turn);
      setStreaming(message.turn.status === 'streaming' ? message.turn.id : undefined);
      break;
    case 'events': {
      const view = views.get(message.turnId);
      if (view) for (const e of message.events) apply(view, e);
      break;
    }
    case 'status': {
      const view = views.get(message.turnId);
      if (view) {
        view.turn.status = message.status;
        view.root.dataset.status = message.status;
      }
      if (message.status !== 'streaming' && streamingTurn === message.turnId) setStreaming(undefined);
      break;
    }
    case 'index':
      showIndex(message.index);
      break;
    case 'model':
      modelLine.textContent = message.model.label;
      break;
    case 'focusInput':
      input.focus();
      break;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  ask();
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ask();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && streamingTurn !== undefined) {
    event.preventDefault();
    post({ type: 'stop' });
  }
});

stopButton.addEventListener('click', () => post({ type: 'stop' }));
const conversations = conversationControls(document, post);
wireSummarizeButton(summarizeButton, input, post);

// One listener for every citation chip and source card, present and future.
conversation.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const cite = target.closest<HTMLElement>('.cite');
  const card = target.closest<HTMLElement>('.source');
  const action = target.closest<HTMLElement>('[data-action]');
  if (action) {
    post({ type: 'action', action: JSON.parse(action.dataset.action!) as UserAction });
    return;
  }
  if (cite) {
    const root = cite.closest<HTMLElement>('.turn');
    const targetCard = root?.querySelector<HTMLElement>(`.source[data-index="${cite.dataset.cite}"]`);
    if (!targetCard) return;
    highlight(targetCard);
    openSource(targetCard);
    return;
  }
  if (card) openSource(card);
});

function ask(): void {
  const question = input.value.trim();
  if (!question || streamingTurn !== undefined) return;
  post({ type: 'ask', question });
  input.value = '';
}

function setStreaming(turnId: number | undefined): void {
  streamingTurn = turnId;
  const streaming = turnId !== undefined;
  stopButton.hidden = !streaming;
  askButton.disabled = streaming;
  summarizeButton.disabled = streaming;
  document.body.classList.toggle('streaming', streaming);
}

function showIndex(index: IndexView): void {
  indexLine.classList.toggle('error', index.error !== null);
  if (index.error) indexLine.textContent = `Index: ${index.error}`;
  else if (index.progress) indexLine.textContent = index.progress;
  else {
    const updated = index.lastUpdated ? ` · updated ${new Date(index.lastUpdated).toLocaleTimeString()}` : '';
    indexLine.textContent = `${index.files.toLocaleString()} files · ${index.chunks.toLocaleString()} chunks${updated}`;
  }
  // The newest problem the index reported (a damaged part repaired), until a reload.
  indexLine.title = index.warnings.join('\n');
  indexLine.classList.toggle('warning', index.warnings.length > 0 && !index.error);
  showFileActivity(indexFiles, index);
}

function addTurn(turn: Turn): void {
  empty.hidden = true;
  const root = element('section', 'turn');
  root.dataset.status = turn.status;
  const question = element('div', 'question');
  question.textContent = turn.question;
  const sources = element('div', 'sources');
  sources.setAttribute('aria-label', 'Sources');
  const answer = element('div', 'answer');
  answer.setAttribute('aria-live', 'polite');
  const meta = element('div', 'meta');
  root.append(question, sources, answer, meta);
  conversation.append(root);
  const view: TurnView = { turn: { ...turn, events: [] }, root, sources, answer, meta, text: '', citations: new CitationSpans(), dirty: false };
  views.set(turn.id, view);
  if (turn.kind === 'summary') startSummary(view);
  for (const e of turn.events) apply(view, e);
  root.scrollIntoView({ block: 'end' });
}

/** Applies one event to a turn's view; answer text is rendered at most once per animation frame. */
function apply(view: TurnView, event: RagEvent): void {
  view.turn.events.push(event);
  if (applySummaryEvent(view, event)) return;
  switch (event.type) {
    case 'source':
      view.sources.append(sourceCard(document, event));
      break;
    case 'context_update':
      view.sources.append(contextWave(document, event));
      break;
    case 'retrieval_done':
      if (event.numDocs === 0) view.sources.append(note('No matching passages in the index.'));
      break;
    case 'generation_start':
      view.meta.textContent = `${event.provider} · ${event.model}`;
      break;
    case 'token':
      view.text += event.text;
      view.dirty = true;
      requestRender();
      break;
    case 'citation':
      view.citations.add(event);
      break;
    case 'generation_done':
      view.meta.textContent += ` · ${Math.round(event.totalMs)} ms`;
      break;
    case 'error':
      view.root.append(errorBox(event));
      break;
    default:
      break;
  }
}

function requestRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    for (const view of views.values()) {
      if (!view.dirty) continue;
      view.dirty = false;
      view.answer.innerHTML = renderAnswer(view.text, view.citations); // sanitised: see markdown.ts
      if (view.turn.id === streamingTurn) view.root.scrollIntoView({ block: 'end' });
    }
  });
}

function errorBox(event: ErrorEvent): HTMLElement {
  const box = element('div', event.code === 'cancelled' ? 'stopped' : 'error');
  box.setAttribute('role', event.code === 'cancelled' ? 'status' : 'alert');
  const message = element('div', 'error-message');
  message.textContent = event.code === 'cancelled' ? 'Stopped.' : event.message;
  box.append(message);
  const actions = element('div', 'error-actions');
  for (const action of actionsFor(event.code).filter((a) => host.handles?.(a) ?? true)) {
    const button = element('button', 'secondary') as HTMLButtonElement;
    button.type = 'button';
    button.textContent = action.label;
    button.dataset.action = JSON.stringify(action);
    actions.append(button);
  }
  if (actions.childElementCount > 0) box.append(actions);
  return box;
}

function openSource(card: HTMLElement): void {
  post({ type: 'open', path: card.dataset.path!, startLine: Number(card.dataset.start), endLine: Number(card.dataset.end) });
}

function highlight(card: HTMLElement): void {
  card.classList.remove('highlight');
  void card.offsetWidth; // restart the animation
  card.classList.add('highlight');
  card.scrollIntoView({ block: 'nearest' });
}

function note(text: string): HTMLElement {
  const div = element('div', 'note');
  div.textContent = text;
  return div;
}

function element(tag: string, className: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  return el;
}

post({ type: 'ready' });
