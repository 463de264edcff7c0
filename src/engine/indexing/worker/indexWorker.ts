/**
 * The index's own thread: scanning, chunking, embedding, saving and searching all run here, so a large
 * workspace never stalls the editor's extension host, and the heap limit the client sets bounds memory.
 */
import type { IndexProgress, IndexSummary } from '../../../protocol/indexing';
import { parentPort, workerData } from 'node:worker_threads';
import { RagError } from '../../errors';
import type { Source } from '../../../protocol/events';
import { WorkspaceIndex } from '../workspaceIndex';
import { createEmbedder } from './embedderFactory';
import type { IndexState, SerializedError, WorkerMessage, WorkerRequest, WorkerSetup } from './protocol';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage) => port.postMessage(message);
const running = new Map<number, AbortController>();

function stateOf(index: WorkspaceIndex): IndexState {
  return index.state;
}

function serialize(err: unknown): SerializedError {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, code: (err as RagError).code, stage: (err as RagError).stage };
  }
  return { name: 'Error', message: String(err) };
}

async function main(): Promise<void> {
  const index = await WorkspaceIndex.open({
    ...setup.options,
    embedder: createEmbedder(setup.embedder),
    onWarning: (message) => post({ type: 'warning', message }),
  });
  post({ type: 'ready', state: stateOf(index) });

  port.on('message', async (request: WorkerRequest) => {
    if (request.type === 'cancel') {
      running.get(request.target)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    const onProgress = (progress: IndexProgress) => post({ type: 'progress', id: request.id, progress });
    try {
      let value: IndexSummary | Source[] | null;
      switch (request.type) {
        case 'sync':
          value = await index.sync({ signal: controller.signal, onProgress });
          break;
        case 'update':
          value = await index.updateFiles(request.changed, request.deleted, { signal: controller.signal, onProgress });
          break;
        case 'search':
          value = await index.search(request.query, { ...request.options, signal: controller.signal });
          break;
        case 'clear':
          await index.clear();
          value = null;
          break;
      }
      if (request.type !== 'search') post({ type: 'state', state: stateOf(index) });
      post({ type: 'result', id: request.id, value });
    } catch (err) {
      if (request.type !== 'search') post({ type: 'state', state: stateOf(index) });
      post({ type: 'error', id: request.id, error: serialize(err) });
    } finally {
      running.delete(request.id);
    }
  });
}

main().catch((err) => post({ type: 'error', id: null, error: serialize(err) }));
