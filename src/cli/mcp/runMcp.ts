import { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../../package.json';
import type { AnswerSession } from '../../engine/session/answerSession';
import { CancelledError, describeError } from '../../engine/errors';
import { watchFolders } from '../folderWatcher';
import { createMcpServer } from './mcpServer';

/**
 * `workspace-rag mcp`: the MCP server on stdin/stdout until the client closes stdin (or a signal).
 * The cached index answers at once; it is brought up to date in the background and kept fresh.
 */
export async function runMcp(session: AnswerSession, where: { workspace: string; indexDir: string }): Promise<number> {
  const protocolOut = divertStdout();
  const log = (message: string) => process.stderr.write(`workspace-rag mcp: ${message}\n`);
  const server = createMcpServer(session, { version });
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  const watcher = watchFolders(session, [where.workspace], { indexDirs: [where.indexDir], onError: log });
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  transport.onclose = stop;
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.connect(transport);
  log(`serving ${where.workspace} (index in ${where.indexDir})`);
  void session.reindex().then(
    (summaries) => log(`index up to date: ${summaries.map((s) => `${s.files} files, ${s.chunks} chunks (${s.indexedFiles} re-read)`).join('; ')}`),
    (err: unknown) => { if (!(err instanceof CancelledError)) log(`bringing the index up to date failed: ${describeError(err)}`); }, // cancelled: stopping
  );
  await stopped;
  await watcher.close();
  await server.close().catch(() => undefined);
  await session.close();
  return 0;
}

/**
 * On stdio, stdout belongs to the protocol: a stray line (a library's console.log, the index thread's
 * output) would break the client's parser. Everything written to `process.stdout` from now on goes to
 * stderr; the returned stream is the only way to the real stdout.
 */
export function divertStdout(): Writable {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout) as (chunk: unknown, encoding?: BufferEncoding, cb?: (err?: Error | null) => void) => boolean;
  const protocol = new Writable({
    write(chunk, encoding, callback) {
      // Waits for the real stdout to take the bytes, so back-pressure reaches the transport.
      write(chunk, encoding, (err) => callback(err ?? undefined));
    },
  });
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  return protocol;
}
