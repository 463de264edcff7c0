/**
 * The index's own thread: scanning, chunking, embedding, saving and searching all run here, so a large
 * workspace never stalls the editor's extension host, and the heap limit the client sets bounds memory.
 * The same script, started by this thread in the preparation role, is a large sync's preparation thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IndexProgress } from '../../../protocol/indexing';
import type { FromIndexThread, IndexCall, IndexCalls, IndexReply, IndexRequest, IndexThreadSetup, SerializedError, ToIndexThread } from '../../../protocol/indexThread';
import { isErrorCode } from '../../../protocol/errorCodes';
import type { RagError } from '../../errors';
import type { RunOptions } from '../searchIndex';
import { WorkspaceIndex } from '../workspaceIndex';
import { createEmbedder } from './embedderFactory';
import { FileBatcher } from './fileBatcher';
import { isPreparationRole } from './preparationThread';
import { servePreparation } from './preparationServer';

const port = parentPort!;
const setup = workerData as IndexThreadSetup;
const post = (message: FromIndexThread) => port.postMessage(message);
const running = new Map<number, AbortController>();

/** How the thread answers each call. */
type Handlers = { [K in IndexCall]: (params: IndexCalls[K]['params'], run: RunOptions) => Promise<IndexCalls[K]['reply']> };

function handlers(index: WorkspaceIndex): Handlers {
  return {
    sync: (_, run) => index.sync(run),
    update: ({ changed, deleted }, run) => index.updateFiles(changed, deleted, run),
    search: ({ query, options }, { signal }) => index.search(query, { ...options, signal }),
    termStats: ({ query }) => index.termStats(query),
    candidates: ({ query, options }, { signal }) => index.candidates(query, { ...options, signal }),
    clear: async () => {
      await index.clear();
      return null;
    },
  };
}

async function answer<K extends IndexCall>(handle: Handlers, request: IndexRequest<K>, run: RunOptions): Promise<IndexReply<K>> {
  const value = await handle[request.call](request.params, run);
  return { type: 'result', id: request.id, call: request.call, value };
}

function serialize(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  // Read by shape, not `instanceof`: the remote embedders are a bundle of their own, with their own RagError class.
  const { code, stage } = err as Partial<RagError>;
  return { name: err.name, message: err.message, code: isErrorCode(code) ? code : undefined, stage };
}

async function main(): Promise<void> {
  let opened: WorkspaceIndex | undefined;
  const index = await WorkspaceIndex.open({
    ...setup.settings,
    embedder: createEmbedder(setup.embedder),
    preparationScript: __filename, // this script, in the preparation role
    onWarning: (message) => {
      post({ type: 'warning', message });
      // The state carries the recent warnings; while opening, the `ready` state does.
      if (opened) post({ type: 'state', state: opened.state });
    },
  });
  opened = index;
  const handle = handlers(index);
  post({ type: 'ready', state: index.state });

  port.on('message', async (request: ToIndexThread) => {
    if (request.type === 'cancel') {
      running.get(request.target)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    const files = request.files ? new FileBatcher((events) => post({ type: 'files', id: request.id, events })) : undefined;
    const onProgress = (progress: IndexProgress) => {
      files?.flush(); // the files of a batch arrive before its progress
      post({ type: 'progress', id: request.id, progress });
    };
    const changes = request.call !== 'search' && request.call !== 'termStats' && request.call !== 'candidates';
    try {
      const reply = await answer(handle, request, { signal: controller.signal, onProgress, onFile: files?.add });
      files?.flush(); // before the reply settles the call: a caller has every event once its await returns
      if (changes) post({ type: 'state', state: index.state });
      post(reply);
    } catch (err) {
      files?.flush();
      if (changes) post({ type: 'state', state: index.state });
      post({ type: 'error', id: request.id, error: serialize(err) });
    } finally {
      files?.close();
      running.delete(request.id);
    }
  });
}

if (isPreparationRole(workerData)) servePreparation(port);
else main().catch((err) => post({ type: 'error', id: null, error: serialize(err) }));
