import * as http from 'node:http';
import * as net from 'node:net';

/** One request a protocol fake received, and how it ended. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET). */
  body: any;
  /** True when the client closed the connection before the response was complete: the stream was really aborted. */
  closedByClient: boolean;
  /** Resolves when the response is finished or the connection closed. */
  ended: Promise<void>;
  /** performance.now() when the first answer token was written, if any. */
  firstTokenAt?: number;
  /** performance.now() when each token was written (paced scripts only). */
  tokenSentAt?: number[];
  receivedAt: number;
}

export interface ProtocolServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Most requests in flight at the same time so far. */
  maxInFlight: number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) => void | Promise<void>;

/** A local HTTP server on 127.0.0.1 and a random port (or `port`: a server restarting) that records every request. */
export async function startProtocolServer(handle: Handler, port = 0): Promise<ProtocolServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const server = http.createServer(async (req, res) => {
    const receivedAt = performance.now();
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    let resolveEnded!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: undefined, closedByClient: false,
      ended: new Promise<void>((r) => { resolveEnded = r; }), receivedAt,
    };
    res.on('close', () => {
      inFlight--;
      if (!res.writableFinished) record.closedByClient = true;
      resolveEnded();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    record.body = text ? JSON.parse(text) : undefined;
    requests.push(record);
    try {
      await handle(req, res, record);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake failed: ${String(err)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as net.AddressInfo).port;
  const state: ProtocolServer = {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    maxInFlight: 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return state;
}

/** A port on 127.0.0.1 that nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How a fake streams an answer, and which failure it injects. */
export interface StreamScript {
  tokens: string[];
  /** Wait before the response headers and the first token (a model loading). */
  firstTokenDelayMs?: number;
  /** Wait between tokens. */
  tokenDelayMs?: number;
  /** Send at this steady rate instead (tokens due are written together, about every millisecond). */
  tokensPerSecond?: number;
  /** Destroy the socket after this many tokens: the connection drops mid-stream. */
  dropAfter?: number;
  /** Send a line that is not valid JSON after this many tokens. */
  malformedAfter?: number;
  /** Send nothing more after this many tokens, keeping the connection open. */
  stallAfter?: number;
  /** Send the wire format's in-stream error after this many tokens. */
  errorAfter?: number;
  /** End the response cleanly after the tokens, without the final message. */
  omitFinal?: boolean;
  /** Tool calls the model makes after its tokens, in the wire format's way; `arguments` as JSON text (possibly malformed) or an object. */
  toolCalls?: ScriptedToolCall[];
}

export interface ScriptedToolCall {
  name: string;
  arguments: string | Record<string, unknown>;
  id?: string;
}

/** An HTTP error reply instead of a stream. */
export interface ErrorReply {
  status: number;
  /** JSON body; a string is sent as text/plain. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Reply = StreamScript | ErrorReply;

export function isErrorReply(reply: Reply): reply is ErrorReply {
  return (reply as ErrorReply).status !== undefined;
}

export function sendError(res: http.ServerResponse, reply: ErrorReply): void {
  const isText = typeof reply.body === 'string';
  const body = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...reply.headers });
  res.end(body);
}

/** Wire-format pieces a fake plugs into `playStream`. */
export interface StreamFormat {
  contentType: string;
  token(text: string, index: number): string;
  final(tokens: number, toolCalls: boolean): string;
  /** The script's tool calls, written after its tokens. */
  toolCalls(calls: ScriptedToolCall[]): string;
  malformed: string;
  error(message: string): string;
}

/**
 * Plays a script: headers and the first token after `firstTokenDelayMs`, then each token, injecting
 * the script's failure, then the final message. Stops writing as soon as the client goes away.
 */
export async function playStream(res: http.ServerResponse, record: RecordedRequest, script: StreamScript, format: StreamFormat): Promise<void> {
  let gone = false;
  res.on('close', () => { gone = true; });
  if (script.firstTokenDelayMs) await delay(script.firstTokenDelayMs);
  if (gone) return;
  res.writeHead(200, { 'content-type': format.contentType });
  res.flushHeaders();
  if (script.tokensPerSecond) return playPaced(res, record, script.tokens, script.tokensPerSecond, format, () => gone);
  for (let i = 0; i <= script.tokens.length; i++) {
    if (script.dropAfter === i) {
      // Let the lines already written reach the client, then cut the connection without ending the response.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await delay(20);
      res.socket?.destroy();
      return;
    }
    if (script.malformedAfter === i) {
      res.write(format.malformed);
      res.end();
      return;
    }
    if (script.errorAfter === i) {
      res.write(format.error('the model runner stopped unexpectedly'));
      res.end();
      return;
    }
    if (script.stallAfter === i) return; // Leaves the response open; the client must close it.
    if (i === script.tokens.length) break;
    if (i > 0 && script.tokenDelayMs) await delay(script.tokenDelayMs);
    if (gone) return;
    if (i === 0) record.firstTokenAt = performance.now();
    res.write(format.token(script.tokens[i], i));
  }
  if (script.toolCalls?.length) res.write(format.toolCalls(script.toolCalls));
  if (!script.omitFinal) res.write(format.final(script.tokens.length, Boolean(script.toolCalls?.length)));
  res.end();
}

/** Writes token i at `i / rate` seconds after the start, then the final message. */
async function playPaced(res: http.ServerResponse, record: RecordedRequest, tokens: string[], rate: number, format: StreamFormat,
  gone: () => boolean): Promise<void> {
  const sentAt: number[] = (record.tokenSentAt = []);
  const start = performance.now();
  record.firstTokenAt = start;
  let i = 0;
  while (i < tokens.length) {
    if (gone()) return;
    const due = Math.min(tokens.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    let chunk = '';
    for (; i < due; i++) chunk += format.token(tokens[i], i);
    if (chunk) {
      res.write(chunk);
      const now = performance.now();
      while (sentAt.length < i) sentAt.push(now);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  res.end(format.final(tokens.length, false));
}

/** A fake's pause; unref'd so a reply the client gave up on never keeps the test process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A small deterministic vector for `text`, so tests know what the fake's embeddings must be. */
export function fakeVector(text: string, dimensions: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return Array.from({ length: dimensions }, (_, i) => (((h >>> (i % 24)) & 0xff) - 128 + i) / 128);
}
