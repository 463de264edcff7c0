
import type { IndexProgress } from '../protocol/indexing';
import { formatCount } from './terminal';

export const WAITING_MESSAGE = 'Waiting for another workspace-rag process to finish updating this index…';

/**
 * Rewrites one status line on a terminal's stderr while indexing; silent when stderr is not a terminal,
 * except for waiting on another process, which is always said (once) so a pause is never unexplained.
 */
export function progressLine(stream: NodeJS.WriteStream): { update: (p: IndexProgress) => void; clear: () => void } {
  let shown = false;
  let last = 0;
  return {
    update(progress) {
      if (progress.phase === 'waiting' && !stream.isTTY) {
        stream.write(`workspace-rag: ${WAITING_MESSAGE}\n`);
        return;
      }
      if (!stream.isTTY) return;
      const now = Date.now();
      if (progress.phase === 'indexing' && now - last < 100) return;
      last = now;
      const text = progress.phase === 'waiting' ? WAITING_MESSAGE
        : progress.phase === 'scanning' ? 'Scanning files…'
        : progress.phase === 'saving' ? `Saving index (${formatCount(progress.chunks)} chunks)…`
        : progress.phase === 'done' ? ''
        : `Indexing ${formatCount(progress.filesDone)}/${formatCount(progress.filesTotal)} files · ${formatCount(progress.chunks)} chunks`;
      stream.write(`\r\x1b[2K${text}`);
      shown = text !== '';
    },
    clear() {
      if (shown && stream.isTTY) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
