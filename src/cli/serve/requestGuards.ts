import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as os from 'node:os';

/**
 * Largest request body read: a question with a long conversation fits many times over; anything bigger
 * is a mistake or an attack, and is refused before it is buffered.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** A request the server refuses, with the status and the message it answers. */
export class HttpRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/**
 * The host names this server answers to: loopback names, the address it listens on and, when it listens
 * on every interface, this machine's addresses and name. A request naming any other host came through
 * a name the attacker controls (DNS rebinding) and is refused.
 */
export function ownHostNames(host: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', bracket(host).toLowerCase()]);
  if (host === '0.0.0.0' || host === '::' || host === '[::]') {
    names.add(os.hostname().toLowerCase());
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const a of addresses ?? []) names.add(bracket(a.address).toLowerCase());
    }
  }
  return names;
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Refuses requests whose Host or Origin is not this server's own name and port. */
export function checkHostAndOrigin(req: IncomingMessage, names: ReadonlySet<string>, port: number): void {
  const host = req.headers.host;
  if (!host || !isOwn(host, names, port)) {
    throw new HttpRefusal(403, 'forbidden_host', `Refused: the Host header "${host ?? ''}" is not this server's own address (it listens on port ${port}). Use http://127.0.0.1:${port}/.`);
  }
  const origin = req.headers.origin;
  if (origin === undefined) return; // not sent by a browser page: a command-line client
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !isOwn(url.host, names, port)) {
    throw new HttpRefusal(403, 'forbidden_origin', `Refused: pages from ${origin} may not use this server; only its own page at http://127.0.0.1:${port}/ may.`);
  }
}

function isOwn(hostHeader: string, names: ReadonlySet<string>, port: number): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const portOf = match[2] === undefined ? 80 : Number(match[2]);
  return names.has(match[1]) && portOf === port;
}

/** Compares a presented token with the server's in constant time (both hashed first, so lengths match too). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The Bearer token of a request, or for the page itself, its `?token=` (a browser cannot send headers when it opens a link). */
export function checkToken(req: IncomingMessage, url: URL, token: string | undefined): void {
  if (token === undefined) return;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const fromQuery = url.pathname === '/' && req.method === 'GET' ? url.searchParams.get('token') ?? undefined : undefined;
  if (tokenMatches(bearer ?? fromQuery, token)) return;
  throw new HttpRefusal(401, 'unauthorized', 'This server needs its token: send "Authorization: Bearer <token>" (the page: open /?token=<token>).',
    { 'WWW-Authenticate': 'Bearer realm="workspace-rag"' });
}

/** Reads a JSON body of at most MAX_BODY_BYTES; refuses other types, larger bodies and malformed JSON. */
export async function readJson(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpRefusal(415, 'unsupported_media_type', 'Send the body as JSON, with "Content-Type: application/json".');
  const tooLarge = () => new HttpRefusal(413, 'payload_too_large', `The request body is larger than ${maxBytes / 1024} KB.`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpRefusal(400, 'malformed_json', `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
