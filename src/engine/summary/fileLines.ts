import { createReadStream, promises as fs } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CancelledError, RagError } from '../errors';

/** NUL bytes in the first block mean binary, as git (and the index) decide. */
const SNIFF_BYTES = 8000;
/** Read buffer: big enough to read a 5 MB file in a few dozen steps, small beside any memory bound. */
const READ_CHUNK = 256 * 1024;

/** Refuses what cannot be summarised as text, before anything is read in full. */
export async function checkTextFile(file: string): Promise<{ bytes: number }> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) throw new RagError('file_unreadable', `There is no file ${JSON.stringify(file)}. Check the path (relative to the workspace folder).`, 'retrieval');
  if (!stat.isFile()) throw new RagError('file_unreadable', `${JSON.stringify(file)} is not a file. Name a file to summarise.`, 'retrieval');
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    await handle.read(head, 0, head.length, 0);
    if (head.includes(0)) throw new RagError('file_unreadable', `${JSON.stringify(file)} is a binary file; only text files can be summarised.`, 'retrieval');
  } finally {
    await handle.close();
  }
  return { bytes: stat.size };
}

/**
 * The lines of a file, read in chunks so a large file is never held whole. Lines end at `\n`, `\r\n` or a
 * lone `\r`, as an editor counts them, so line numbers match what the editor shows. A UTF-8 byte-order mark
 * is dropped. Lines come in batches, one per chunk read: an await per line would cost more than the
 * reading. Stops (with CancelledError) as soon as `signal` aborts.
 */
export async function* readLines(file: string, signal?: AbortSignal): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let first = true;
  let pendingCR = false;
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw new CancelledError();
      let text = rest + decoder.write(chunk as Buffer);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (pendingCR && text.startsWith('\n')) text = text.slice(1); // the `\n` of a `\r\n` split across chunks
      pendingCR = false;
      const batch: string[] = [];
      let start = 0;
      // The next `\r` is looked up again only once passed: most files have none, and a search per line for
      // one would read the rest of the chunk every time.
      let cr = text.indexOf('\r');
      for (;;) {
        if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
        const lf = text.indexOf('\n', start);
        let end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
        if (end < 0) break;
        batch.push(text.slice(start, end));
        if (text.charCodeAt(end) === 13) {
          if (end + 1 === text.length) pendingCR = true;
          else if (text.charCodeAt(end + 1) === 10) end++;
        }
        start = end + 1;
      }
      rest = text.slice(start);
      if (batch.length > 0) yield batch;
    }
    rest += decoder.end();
    // A file's last line has no ending: it counts if it has text (an empty file has no lines).
    if (rest.length > 0) yield [rest];
  } finally {
    stream.destroy();
  }
}

