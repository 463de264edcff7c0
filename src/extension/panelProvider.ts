import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { AnswerSession } from '../engine/session/answerSession';
import type { Turn as HistoryTurn } from '../engine/prompt';
import type { RagEvent } from '../protocol/events';
import { panelPageHtml } from '../protocol/panelPage';
import { indexView, statusAfter, type ConversationsView, type HostMessage, type Turn, type WebviewMessage } from '../protocol/webview';
import { runAction } from './actions';
import { ConversationStore, type KeyValueStorage } from './conversationStore';
import { openSource } from './openSource';
import { summaryTarget } from './summaryTarget';

export const PANEL_VIEW_ID = 'workspaceRag.panel';

/** Tokens are sent to the panel at most this often: a fast model must never flood or freeze it. */
const FLUSH_MS = 16;
/** Earlier questions and answers sent with a follow-up, as plain text. */
const HISTORY_TURNS = 4;
/** Which conversation the panel showed, so a reload or a restart reopens it. */
const CURRENT_KEY = 'workspaceRag.currentConversation';

/**
 * The sidebar panel. The conversation lives here, in the extension: the webview only draws it, so it
 * survives the view being hidden (and its webview destroyed) and shown again, even mid-answer. Each
 * conversation is saved in the workspace's storage as it grows, so it survives a reload and a restart.
 */
export class PanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private turns: Turn[] = [];
  /** The conversation shown; it is stored from its first question on. */
  private conversationId: string = randomUUID();
  private readonly store: ConversationStore;
  private nextId = 1;
  private running: AbortController | undefined;
  private pending: { turnId: number; events: RagEvent[] } | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: AnswerSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly storage: KeyValueStorage,
  ) {
    this.store = new ConversationStore(storage);
    const current = storage.get<string>(CURRENT_KEY);
    if (current) this.show(current);
    const unsubscribe = session.onStateChange((state) => this.post({ type: 'index', index: indexView(state) }));
    this.subscriptions.push({ dispose: unsubscribe });
  }

  /** Tells the panel who answers now (after a settings change). */
  modelChanged(): void {
    this.post({ type: 'model', model: { label: this.session.providerLabel } });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = this.html(view.webview);
    view.webview.onDidReceiveMessage((message: WebviewMessage) => this.receive(message).catch((err: unknown) => {
      this.log.error(`The panel's ${message?.type} request failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }), undefined, this.subscriptions);
    view.onDidDispose(() => { if (this.view === view) this.view = undefined; }, undefined, this.subscriptions);
  }

  /** Asks a question as if typed in the panel (the "Ask a Question" command). */
  async ask(question: string): Promise<void> {
    await vscode.commands.executeCommand(`${PANEL_VIEW_ID}.focus`);
    await this.ask$(question);
  }

  private ask$(question: string): Promise<void> {
    const history: HistoryTurn[] = this.turns.filter((t) => t.status === 'done').slice(-HISTORY_TURNS).map((t) => ({ question: t.question, answer: answerText(t) }));
    return this.run(question, undefined, (signal) => this.session.ask(question, { signal, history }));
  }

  /**
   * Summarises a file in the panel, streaming (the "Summarize File" command, the panel's button): `target`
   * a file's URI or a path as typed, else the active editor's file.
   */
  async summarize(target?: vscode.Uri | string): Promise<void> {
    await vscode.commands.executeCommand(`${PANEL_VIEW_ID}.focus`);
    const file = summaryTarget(target);
    if (!file) {
      void vscode.window.showInformationMessage('Workspace RAG: open a file (or type its path in the panel) to summarise it.');
      return;
    }
    await this.run(`Summarize ${file.label}`, 'summary', (signal) => this.session.summarize(file.path, { signal }));
  }

  /** Stops the running answer, if any. */
  stop(): void {
    this.running?.abort();
  }

  dispose(): void {
    this.stop();
    clearTimeout(this.flushTimer);
    for (const s of this.subscriptions) s.dispose();
  }

  private async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.restore();
        break;
      case 'ask':
        if (typeof message.question === 'string' && message.question.trim()) await this.ask$(message.question.trim());
        break;
      case 'summarize':
        await this.summarize(typeof message.path === 'string' && message.path.trim() ? message.path.trim() : undefined);
        break;
      case 'stop':
        this.stop();
        break;
      case 'newConversation':
        this.stop();
        this.startConversation();
        this.restore();
        break;
      case 'openConversation':
        if (typeof message.id !== 'string' || message.id === this.conversationId) break;
        this.stop();
        if (this.show(message.id)) await this.storage.update(CURRENT_KEY, message.id);
        this.restore();
        break;
      case 'deleteConversation':
        if (typeof message.id !== 'string') break;
        if (message.id === this.conversationId) {
          this.stop();
          this.startConversation();
          this.restore();
        }
        await this.store.delete(message.id);
        this.post({ type: 'conversations', conversations: this.conversations() });
        break;
      case 'open':
        await openSource(message.path, message.startLine, message.endLine, this.log);
        break;
      case 'action':
        await runAction(message.action);
        break;
    }
  }

  /** Streams one turn (an answer or a summary) into the conversation. */
  private async run(question: string, kind: Turn['kind'], stream: (signal: AbortSignal) => AsyncIterable<RagEvent>): Promise<void> {
    if (this.running) return; // one answer at a time; the Stop button ends the current one
    const turn: Turn = { id: this.nextId++, question, events: [], status: 'streaming', ...(kind ? { kind } : {}) };
    this.turns.push(turn);
    this.post({ type: 'turn', turn });
    const conversation = { id: this.conversationId, turns: this.turns };
    const controller = new AbortController();
    this.running = controller;
    void this.save(conversation); // the question is kept even if the window closes mid-answer
    // Another conversation opened meanwhile: this answer (stopped) is saved, not drawn over that one.
    const shown = () => this.turns === conversation.turns;
    try {
      for await (const event of stream(controller.signal)) {
        turn.events.push(event);
        if (shown()) this.queue(turn.id, event);
        turn.status = statusAfter(event) ?? turn.status;
      }
    } catch (err) {
      this.log.error(`Answer failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      turn.status = 'error';
    } finally {
      if (turn.status === 'streaming') turn.status = controller.signal.aborted ? 'stopped' : 'done';
      this.running = undefined;
      this.flush();
      if (shown()) this.post({ type: 'status', turnId: turn.id, status: turn.status });
      await this.save(conversation);
    }
  }

  /** Stores a conversation (the one shown, or the one an answer was asked in) and sends the panel the new list. */
  private async save(conversation: { id: string; turns: Turn[] }): Promise<void> {
    try {
      await this.store.save(conversation);
      if (conversation.id === this.conversationId) await this.storage.update(CURRENT_KEY, conversation.id);
    } catch (err) {
      this.log.warn(`The conversation could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.post({ type: 'conversations', conversations: this.conversations() });
  }

  /** Shows a stored conversation; false when it is gone. */
  private show(id: string): boolean {
    const stored = this.store.get(id);
    if (!stored) return false;
    this.conversationId = id;
    this.turns = stored.turns;
    this.nextId = Math.max(this.nextId, ...stored.turns.map((t) => t.id + 1));
    return true;
  }

  private startConversation(): void {
    this.conversationId = randomUUID();
    this.turns = [];
    void this.storage.update(CURRENT_KEY, undefined);
  }

  private conversations(): ConversationsView {
    const list = this.store.list();
    return { list, current: list.some((c) => c.id === this.conversationId) ? this.conversationId : null };
  }

  /** Coalesces events, merging consecutive tokens, and sends them once per frame. */
  private queue(turnId: number, event: RagEvent): void {
    if (!this.pending || this.pending.turnId !== turnId) {
      this.flush();
      this.pending = { turnId, events: [] };
    }
    const last = this.pending.events.at(-1);
    if (event.type === 'token' && last?.type === 'token') this.pending.events[this.pending.events.length - 1] = { ...last, text: last.text + event.text, t: event.t };
    else this.pending.events.push(event);
    // Sources, the start of generation and a summary's progress go out at once: they are what the user waits for.
    if (event.type !== 'token' && event.type !== 'citation') this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending || this.pending.events.length === 0) return;
    const { turnId, events } = this.pending;
    this.pending = undefined;
    this.post({ type: 'events', turnId, events });
  }

  private restore(): void {
    // The whole conversation goes with it: events still waiting would be drawn twice, or on another conversation.
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = undefined;
    this.post({ type: 'restore', turns: this.turns, index: indexView(this.session.state), model: { label: this.session.providerLabel }, conversations: this.conversations() });
  }

  private post(message: HostMessage): void {
    void this.view?.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'panel.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
    return panelPageHtml({
      csp,
      styles: `<link rel="stylesheet" href="${style}">`,
      script: `<script nonce="${nonce}" src="${script}"></script>`,
    });
  }
}

function answerText(turn: Turn): string {
  return turn.events.map((e) => (e.type === 'token' ? e.text : '')).join('');
}
