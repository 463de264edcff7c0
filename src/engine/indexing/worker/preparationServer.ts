/**
 * The preparation thread's side (see `PreparationThread`): reads and chunks each batch it is sent and
 * replies with the chunks. It runs in the index thread's own script (indexWorker.js started with
 * `PREPARATION_ROLE`), so the bundle and its tokenizer tables ship once.
 */
import { readFileSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { emptySkipCounts } from '../../../protocol/indexing';
import { chunkFiles, type PreparationReport } from '../filePreparation';
import type { PrepareReply, PrepareRequest, RecordedEvent } from './preparationThread';

const now = () => performance.timeOrigin + performance.now();

/** Records the report calls, with times since the epoch, for the index thread to replay. */
function recorder(events: RecordedEvent[]): PreparationReport {
  const origin = performance.timeOrigin;
  return {
    active: true,
    read: (path, since, at = performance.now()) => events.push({ kind: 'read', path, since: origin + since, at: origin + at }),
    stage: (path, _stage, chunks) => events.push({ kind: 'chunked', path, chunks, at: now() }),
    error: (path, reason) => events.push({ kind: 'error', path, reason }),
  };
}

/** Answers the index thread's batches on `port` until the thread is stopped. */
export function servePreparation(port: MessagePort): void {
  port.on('message', async (request: PrepareRequest) => {
    const catalog = new Map(request.catalog);
    const skipped = emptySkipCounts();
    const events: RecordedEvent[] = [];
    let reply: PrepareReply;
    try {
      // Read synchronously: this thread has nothing else to do meanwhile, and its reads stay off libuv's
      // four threads, which the index thread's saves (writes, fsync) keep busy.
      const changes = await chunkFiles((p) => catalog.get(p), request.files, skipped, request.chunking, request.report ? recorder(events) : undefined, readFileSync);
      reply = { id: request.id, changes, skipped, events };
    } catch (err) {
      reply = { id: request.id, error: err instanceof Error ? err.message : String(err) }; // prepared again inline, where the error surfaces
    }
    port.postMessage(reply);
  });
}
