import { isIP } from 'node:net';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../usageError';

/** The port `serve` listens on by default: an unusual one, so it rarely meets a dev server (3000, 5173, 8000, 8080). */
export const DEFAULT_PORT = 8765;
/** Loopback only by default: nothing off this machine can reach the server unless asked. */
export const DEFAULT_HOST = '127.0.0.1';

/** serve's own flags. */
export const SERVE_FLAGS: NonNullable<ParseArgsConfig['options']> = {
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
};

export interface ServeFlags {
  port: number;
  host: string;
  /** Required from every request when set; required to bind anywhere but loopback. */
  token: string | undefined;
}

/** Whether `host` is this machine only: a client elsewhere cannot connect to it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Checks --port, --host and --token (or WORKSPACE_RAG_TOKEN); refuses a bind beyond loopback without a token. */
export function readServeFlags(values: Record<string, unknown>, command: string, env: NodeJS.ProcessEnv = process.env): ServeFlags {
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a value`, command);
    return value.trim();
  };
  const portText = text('port');
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${portText}'`, command);
  const host = text('host') ?? DEFAULT_HOST;
  const token = text('token') ?? (env.WORKSPACE_RAG_TOKEN?.trim() || undefined);
  if (!isLoopbackHost(host) && token === undefined) {
    throw new UsageError(`refusing to listen on ${host} without a token: anyone who can reach this machine could read your code. `
      + 'Pass --token (or set WORKSPACE_RAG_TOKEN), or keep the default 127.0.0.1', command);
  }
  return { port, host, token };
}

export const SERVE_HELP = `  --port N           port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H           address to listen on (default ${DEFAULT_HOST}); any other needs --token
  --token T          require "Authorization: Bearer T" on every request (default $WORKSPACE_RAG_TOKEN)`;
