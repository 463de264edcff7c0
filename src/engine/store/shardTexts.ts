import * as fs from 'node:fs';
import { ItemSpans } from './shardItems';

const utf8 = new TextDecoder('utf-8');

/**
 * Reads chunk texts from a shard's saved file by offset, when a chunk is returned: a search scores
 * postings and vectors only, so texts need not be held. The file is kept open from loading or saving
 * on, so a save by another process that deletes the folder does not take the texts away (on Windows
 * that deletion waits for a later save instead).
 */
export class ShardTexts {
  private constructor(private readonly file: string | undefined, readonly spans: ItemSpans, private fd: number | undefined) {}

  static empty(): ShardTexts {
    return new ShardTexts(undefined, ItemSpans.empty(), undefined);
  }

  /** The texts of the chunks at `spans` in `file`, opened now. */
  static open(file: string, spans: ItemSpans): ShardTexts {
    return new ShardTexts(file, spans, spans.length > 0 ? fs.openSync(file, 'r') : undefined);
  }

  get(i: number): string {
    const length = this.spans.textLength(i);
    if (length === 0 || !this.file) return '';
    this.fd ??= fs.openSync(this.file, 'r');
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(this.fd, buffer, read, length - read, this.spans.textStart(i) + read);
      if (n === 0) throw new Error(`${this.file} ends before chunk ${i}'s text`);
      read += n;
    }
    return utf8.decode(buffer);
  }

  /** Memory held, in bytes: the spans (the texts are on disk). */
  get byteLength(): number {
    return this.spans.byteLength;
  }

  /** Closes the file; a later read opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
