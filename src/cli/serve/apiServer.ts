import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnswerSession } from '../../engine/session/answerSession';
import { SEARCH_INDEX_WAIT_MS, waitForIndex } from '../../engine/session/waitForIndex';
import type { ErrorEvent, RagEvent } from '../../protocol/events';
import { INDEX_PROGRESS_EVENT, type ApiError, type HealthResponse, type SearchResponse } from '../../protocol/httpApi';
import { failureCode, failureText, passageView } from '../surfaceViews';
import { pageResponse } from './page';
import { parseAsk, parseSearch, parseSummarize } from './requestBodies';
import { HttpRefusal, checkHostAndOrigin, checkToken, ownHostNames, readJson } from './requestGuards';
import { SseStream } from './sseStream';

/**
 * Answers streaming at once. Each holds a model connection and a share of two cores; a client over the
 * bound is told to come back (429) rather than slowing every answer down.
 */
export const MAX_CONCURRENT_ANSWERS = 4;
/** What a refused client is told to wait, in seconds: about the time a short answer takes. */
const RETRY_AFTER_SECONDS = 2;

const REINDEX_HINT = 'POST /v1/index to rebuild the index, then try again.';

export interface ApiServerOptions {
  host: string;
  port: number;
  token?: string;
  maxAnswers?: number;
  /** Idle time before a keep-alive comment on an event stream. */
  keepAliveMs?: number;
  log?: (message: string) => void;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

/**
 * `workspace-rag serve`'s HTTP API: a thin translation of the answer session. Safe by default: it checks
 * Host and Origin (DNS rebinding), the token when there is one, body sizes and the number of answers.
 */
export class ApiServer {
  private readonly server: http.Server;
  private readonly names: Set<string>;
  private port = 0;
  private answering = 0;
  private readonly routes: Record<string, Record<string, Route>> = {
    '/': { GET: (_req, res) => this.page(res) },
    '/v1/health': { GET: (_req, res) => this.health(res) },
    '/v1/ask': { POST: (req, res) => this.ask(req, res) },
    '/v1/summarize': { POST: (req, res) => this.summarize(req, res) },
    '/v1/search': { POST: (req, res) => this.search(req, res) },
    '/v1/index': { POST: (_req, res) => this.index(res) },
  };

  constructor(private readonly session: AnswerSession, private readonly options: ApiServerOptions) {
    this.names = ownHostNames(options.host);
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  /** Listens; resolves with the address to open. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.port}/`;
  }

  /** Stops listening and ends every open stream (their answers are cancelled). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      checkHostAndOrigin(req, this.names, this.port);
      checkToken(req, url, this.options.token);
      const methods = this.routes[url.pathname];
      if (!methods) throw new HttpRefusal(404, 'not_found', `No such endpoint: ${url.pathname}. The API has POST /v1/ask, POST /v1/summarize, POST /v1/search, POST /v1/index and GET /v1/health.`);
      const route = methods[req.method ?? ''];
      if (!route) throw new HttpRefusal(405, 'method_not_allowed', `${url.pathname} takes ${Object.keys(methods).join(', ')}.`, { Allow: Object.keys(methods).join(', ') });
      await route(req, res, url);
    } catch (err) {
      if (res.headersSent) {
        res.end();
        return;
      }
      const refusal = err instanceof HttpRefusal ? err : undefined;
      if (!refusal) this.options.log?.(`${req.method} ${req.url} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      // An unread body (too large) would be taken for the next request: close the connection instead.
      if (refusal?.status === 413) res.setHeader('Connection', 'close');
      sendJson(res, refusal?.status ?? 500, { error: { code: refusal?.code ?? failureCode(err), message: refusal?.message ?? failureText(err, REINDEX_HINT) } } satisfies ApiError, refusal?.headers);
    }
  }

  private async page(res: http.ServerResponse): Promise<void> {
    const { html, csp } = await pageResponse();
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store',
      // The page's address may hold the token: never send it on, never let another site frame the page.
      'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY',
    });
    res.end(html);
  }

  private async health(res: http.ServerResponse): Promise<void> {
    const who = await this.session.whoAnswers();
    sendJson(res, 200, { ok: true, index: this.session.state, answers: { label: this.session.providerLabel, ...who } } satisfies HealthResponse);
  }

  /** Refuses a stream over the bound of answers (summaries count as answers: each holds a model connection). */
  private checkCapacity(): void {
    const max = this.options.maxAnswers ?? MAX_CONCURRENT_ANSWERS;
    if (this.answering >= max) {
      throw new HttpRefusal(429, 'too_many_requests', `${max} answers are streaming already; try again in a moment.`, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
  }

  /** A file's summary as Server-Sent Events; a client that goes away stops it. Needs no index. */
  private async summarize(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.checkCapacity();
    const body = parseSummarize(await readJson(req));
    await this.streamEvents(res, (signal) => this.session.summarize(body.path, { signal, provider: body.provider, modelName: body.model }));
  }

  private async ask(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.checkCapacity();
    const body = parseAsk(await readJson(req));
    await this.streamEvents(res, (signal) => this.answerEvents(body, signal));
  }

  private async *answerEvents(body: ReturnType<typeof parseAsk>, signal: AbortSignal): AsyncIterable<RagEvent> {
    // A question asked while the first index is built waits for it a little, as a search does.
    await waitForIndex(this.session, { maxMs: SEARCH_INDEX_WAIT_MS, signal });
    yield* this.session.ask(body.question, { signal, history: body.history, k: body.k, provider: body.provider, modelName: body.model });
  }

  /**
   * Sends a stream of the session's events as Server-Sent Events, counted among the answers at once. A client
   * that goes away cancels it, which closes the provider's request; a failure ends the stream with an error event.
   */
  private async streamEvents(res: http.ServerResponse, open: (signal: AbortSignal) => AsyncIterable<{ type: string }>): Promise<void> {
    this.answering++;
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const sse = new SseStream(res, this.options.keepAliveMs);
    try {
      for await (const event of open(controller.signal)) await sse.send(event.type, event);
    } catch (err) {
      if (!controller.signal.aborted) {
        const event: ErrorEvent = { type: 'error', t: 0, stage: 'generation', code: 'generation_failed', message: failureText(err, REINDEX_HINT) };
        await sse.send(event.type, event);
      }
    } finally {
      this.answering--;
      sse.end();
    }
  }

  private async search(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = parseSearch(await readJson(req));
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const wait = await waitForIndex(this.session, { maxMs: SEARCH_INDEX_WAIT_MS, signal: controller.signal });
    const sources = await this.session.search(body.query, { k: body.k, filter: body.paths?.length ? { paths: body.paths } : undefined, signal: controller.signal });
    sendJson(res, 200, { query: body.query, results: sources.map(passageView), indexComplete: wait.complete } satisfies SearchResponse);
  }

  /**
   * Brings the index up to date, streaming progress and each file's stages (`file_stage`, `file_error`);
   * a client that leaves does not stop it (others may be waiting on it).
   */
  private async index(res: http.ServerResponse): Promise<void> {
    const sse = new SseStream(res, this.options.keepAliveMs);
    const unsubscribeState = this.session.onStateChange((state) => {
      if (state.progress) void sse.send(INDEX_PROGRESS_EVENT, state.progress);
    });
    const unsubscribeFiles = this.session.onFileEvent((event) => void sse.send(event.type, event));
    const unsubscribe = () => {
      unsubscribeState();
      unsubscribeFiles();
    };
    try {
      const summaries = await this.session.reindex();
      await sse.send('done', { summaries });
    } catch (err) {
      await sse.send('error', { code: failureCode(err), message: failureText(err, REINDEX_HINT) });
    } finally {
      unsubscribe();
      sse.end();
    }
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
