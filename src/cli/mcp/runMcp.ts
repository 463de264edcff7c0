import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../../package.json';
import type { AnswerSession } from '../../engine/session/answerSession';
import { CancelledError, describeError } from '../../engine/errors';
import { watchFolders } from '../folderWatcher';
import { createMcpServer } from './mcpServer';
import { divertStdout } from './stdoutGuard';

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
