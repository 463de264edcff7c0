import type { AnswerSession } from '../../engine/session/answerSession';
import { CancelledError, describeError } from '../../engine/errors';
import { watchFolders } from '../folderWatcher';
import { ApiServer } from './apiServer';
import type { ServeFlags } from './serveFlags';

/**
 * `workspace-rag serve`: the HTTP API and the ask page until Ctrl-C. The cached index answers at once;
 * it is brought up to date in the background and kept fresh by watching the folder.
 */
export async function runServe(session: AnswerSession, flags: ServeFlags, where: { workspace: string; indexDir: string }): Promise<number> {
  const log = (message: string) => process.stderr.write(`workspace-rag serve: ${message}\n`);
  const server = new ApiServer(session, { host: flags.host, port: flags.port, token: flags.token, log });
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    log(`cannot listen on ${flags.host}:${flags.port}: ${describeError(err)}${(err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (pass another --port, or --port 0 for a free one)' : ''}`);
    await session.close();
    return 1;
  }
  const watcher = watchFolders(session, [where.workspace], { indexDirs: [where.indexDir], onError: log });
  log(`serving ${where.workspace} at ${url}${flags.token ? ' (token required: open the page at /?token=<token>)' : ''}`);
  void session.reindex().then(
    (summaries) => log(`index up to date: ${summaries.map((s) => `${s.files} files, ${s.chunks} chunks (${s.indexedFiles} re-read)`).join('; ')}`),
    (err: unknown) => { if (!(err instanceof CancelledError)) log(`bringing the index up to date failed: ${describeError(err)}`); }, // cancelled: stopping
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log('stopping');
  await watcher.close();
  await server.close();
  await session.close();
  return signal === 'SIGINT' ? 130 : 0;
}
