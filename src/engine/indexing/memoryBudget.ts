/**
 * The index's memory limit: its heap and the packed arrays outside it, checked between steps of a job.
 * Chunk texts are not held (they are read from the shard files when a chunk is returned), so an index
 * whose texts alone are larger than the limit fits.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { RagError } from '../errors';
import type { StoredIndex } from '../store/storedIndex';

const MB = 1024 * 1024;

/**
 * What this thread holds: its heap in use and the memory of its array buffers (V8's external memory),
 * where the index's vectors, postings and text locations live. A heap or buffer limit alone misses half.
 */
function held(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

let collector: (() => void) | undefined;

/**
 * A full garbage collection, so garbage is not counted as held before failing a job. Node exposes it
 * only behind a flag, which can be turned on at run time and read from a fresh context.
 */
function collect(): void {
  if (!collector) {
    v8.setFlagsFromString('--expose-gc');
    collector = vm.runInNewContext('gc') as () => void;
  }
  collector();
}

export class MemoryBudget {
  constructor(private readonly limitMb: number) {}

  /**
   * Throws `index_out_of_memory` when the thread holds more than the limit once garbage is collected.
   * `stored` is the index whose size the message reports.
   */
  check(stored: StoredIndex): void {
    const limit = this.limitMb * MB;
    if (held() <= limit) return;
    collect();
    const now = held();
    if (now <= limit) return;
    const suggested = Math.ceil((now * 1.5) / MB / 64) * 64;
    throw new RagError('index_out_of_memory',
      `The index needs more than its ${this.limitMb} MB memory limit: ${Math.round(now / MB)} MB in use, of which ${Math.round(stored.packedBytes / MB)} MB `
      + `of vectors and search terms for ${stored.chunkCount.toLocaleString('en-US')} chunks. Raise the limit (for example --memory-limit ${suggested} on the command line, `
      + 'or the workspaceRag.indexMemoryLimitMb setting in VS Code), or exclude large generated or vendored folders (a .ragignore file or the exclude setting). '
      + 'What was saved before is kept.',
      'indexing');
  }
}
