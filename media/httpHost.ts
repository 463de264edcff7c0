// The panel's host in a browser: what the extension's PanelProvider does, done over the HTTP API of
// `workspace-rag serve`. It keeps the conversation, streams each answer from POST /v1/ask (Server-Sent
// Events) and polls GET /v1/health for the index; the panel gets the same messages as in VS Code.
import { createParser } from 'eventsource-parser';
import type { ErrorCode, UserAction } from '../src/protocol/errorCodes';
import type { ErrorEvent, RagEvent } from '../src/protocol/events';
import type { ApiError, AskRequest, HealthResponse, SummarizeRequest } from '../src/protocol/httpApi';
import { indexView, statusAfter, type HostMessage, type IndexView, type Turn, type WebviewMessage } from '../src/protocol/webview';

/** How often the index state is asked for: often while it is being built, rarely when idle. */
const POLL_MS = { indexing: 1_000, idle: 10_000 };
/** The page keeps its one conversation in memory only: no list of earlier ones. */
const NO_LIST = { list: [], current: null };
/** Earlier turns sent with a question, as many as the extension's panel sends. */
const HISTORY_TURNS = 4;

export class HttpHost {
  private readonly turns: Turn[] = [];
  private nextId = 1;
  private running: AbortController | undefined;
  private readonly token: string | null;
  private poll: number | undefined;

  constructor(private readonly receive: (message: HostMessage) => void) {
    // A server with a token is opened at /?token=…: keep it for the API's requests, out of the address bar and history.
    const url = new URL(location.href);
    this.token = url.searchParams.get('token');
    if (this.token !== null) {
      url.searchParams.delete('token');
      history.replaceState(null, '', url);
    }
  }

  /** In a browser, the only action the page can take is rebuilding the index; the others are VS Code commands. */
  handles(action: UserAction): boolean {
    return action.id === 'reindex';
  }

  post(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        void this.refresh(true);
        break;
      case 'ask':
        void this.ask(message.question.trim());
        break;
      case 'summarize':
        void this.summarize(message.path?.trim());
        break;
      case 'stop':
        this.running?.abort();
        break;
      case 'newConversation':
        this.running?.abort();
        this.turns.length = 0;
        void this.refresh(true);
        break;
      case 'action':
        if (message.action.id === 'reindex') void this.reindex();
        break;
      case 'openConversation':
      case 'deleteConversation':
        break; // the page keeps one conversation, in memory: there is no list to open from
      case 'open':
        break; // a browser has no editor to open the file in; the card shows its path and lines
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token === null ? extra : { ...extra, Authorization: `Bearer ${this.token}` };
  }

  /** Reads the index state and who answers; `restore` redraws the whole conversation too. */
  private async refresh(restore = false): Promise<void> {
    clearTimeout(this.poll);
    let indexing = false;
    try {
      const response = await fetch('/v1/health', { headers: this.headers() });
      if (!response.ok) throw new Error(await failureMessage(response));
      const health = await response.json() as HealthResponse;
      const index = indexView(health.index);
      indexing = health.index.indexing;
      const model = { label: health.answers.label };
      if (restore) this.receive({ type: 'restore', turns: structuredClone(this.turns), index, model, conversations: NO_LIST });
      else {
        this.receive({ type: 'index', index });
        this.receive({ type: 'model', model });
      }
    } catch (err) {
      const index: IndexView = { files: 0, chunks: 0, lastUpdated: null, progress: null, error: `The server does not answer (${describe(err)}). Is workspace-rag serve still running?`, warnings: [], activity: { stored: [], failed: [] } };
      if (restore) this.receive({ type: 'restore', turns: structuredClone(this.turns), index, model: { label: '' }, conversations: NO_LIST });
      else this.receive({ type: 'index', index });
    }
    this.poll = window.setTimeout(() => void this.refresh(), indexing ? POLL_MS.indexing : POLL_MS.idle);
  }

  private async ask(question: string): Promise<void> {
    if (!question || this.running) return; // one answer at a time, as in VS Code
    const history = this.turns.filter((t) => t.status === 'done').slice(-HISTORY_TURNS).map((t) => ({ question: t.question, answer: answerText(t) }));
    await this.stream({ id: this.nextId++, question, events: [], status: 'streaming' }, '/v1/ask', { question, history } satisfies AskRequest);
  }

  /** A file's summary from POST /v1/summarize; a browser has no active editor, so the path must be typed. */
  private async summarize(path: string | undefined): Promise<void> {
    if (this.running) return;
    const turn: Turn = { id: this.nextId++, question: `Summarize ${path ?? 'a file'}`, events: [], status: 'streaming', kind: 'summary' };
    if (!path) {
      this.turns.push(turn);
      this.receive({ type: 'turn', turn: structuredClone(turn) });
      turn.status = 'error';
      const event = errorEvent(turn, 'path_not_allowed', 'Type the path of a file of the workspace in the box (e.g. docs/spec.md), then Summarize.');
      turn.events.push(event);
      this.receive({ type: 'events', turnId: turn.id, events: [event] });
      this.receive({ type: 'status', turnId: turn.id, status: turn.status });
      return;
    }
    await this.stream(turn, '/v1/summarize', { path } satisfies SummarizeRequest);
  }

  /** Streams one turn's events from an SSE endpoint into the conversation. */
  private async stream(turn: Turn, endpoint: string, body: unknown): Promise<void> {
    this.turns.push(turn);
    this.receive({ type: 'turn', turn: structuredClone(turn) });
    const controller = new AbortController();
    this.running = controller;
    const deliver = (events: RagEvent[]) => {
      if (events.length === 0) return;
      turn.events.push(...events);
      for (const e of events) turn.status = statusAfter(e) ?? turn.status;
      this.receive({ type: 'events', turnId: turn.id, events });
    };
    try {
      const response = await fetch(endpoint, {
        method: 'POST', headers: this.headers({ 'Content-Type': 'application/json' }), signal: controller.signal,
        body: JSON.stringify(body),
      });
      if (!response.ok || !response.body) {
        deliver([errorEvent(turn, codeForStatus(response.status), await failureMessage(response))]);
        return;
      }
      let batch: RagEvent[] = [];
      const parser = createParser({ onEvent: (message) => batch.push(JSON.parse(message.data) as RagEvent) });
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
        deliver(batch); // everything that arrived together goes in one message, as the extension batches per frame
        batch = [];
      }
      if (turn.status === 'streaming') deliver([errorEvent(turn, 'stream_interrupted', 'The server closed the answer before it was complete. Ask again.')]);
    } catch (err) {
      if (controller.signal.aborted) deliver([errorEvent(turn, 'cancelled', 'Stopped.')]);
      else deliver([errorEvent(turn, 'connection_refused', `The server does not answer (${describe(err)}). Is workspace-rag serve still running?`)]);
    } finally {
      this.running = undefined;
      if (turn.status === 'streaming') turn.status = 'stopped';
      this.receive({ type: 'status', turnId: turn.id, status: turn.status });
    }
  }

  private async reindex(): Promise<void> {
    const request = fetch('/v1/index', { method: 'POST', headers: this.headers() });
    window.setTimeout(() => void this.refresh(), 200); // progress shows through the polling
    const response = await request.catch(() => undefined);
    await response?.text(); // the stream ends when the job does
    void this.refresh();
  }
}

function errorEvent(turn: Turn, code: ErrorCode, message: string): ErrorEvent {
  return { type: 'error', t: turn.events.at(-1)?.t ?? 0, stage: 'generation', code, message };
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'bad_request';
}

async function failureMessage(response: Response): Promise<string> {
  const body = await response.json().catch(() => undefined) as ApiError | undefined;
  return body?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
}

function answerText(turn: Turn): string {
  return turn.events.map((e) => (e.type === 'token' ? e.text : '')).join('');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
