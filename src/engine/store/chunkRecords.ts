import type { ChunkMeta } from './vectraShard';

/**
 * A shard's chunk facts as columns: line numbers in typed arrays, each distinct path, language and
 * heading held once, ids and hashes in one string. An object per chunk with its own strings gave the
 * collector hundreds of thousands of objects to trace at 360,000 chunks; this takes about 70 bytes a
 * chunk (an opened 52,000-chunk index: 15.3 MB of heap instead of 21.1), and a `ChunkMeta` is made
 * only for a chunk asked for.
 */
export interface RecordParts {
  shared: readonly string[];
  keys: string;
  pathOf: Uint32Array;
  languageOf: Uint32Array;
  contextOf: Uint32Array;
  lines: Uint32Array;
  ends: Uint32Array;
}

export class ChunkRecords {
  private constructor(
    /** Distinct paths, languages and headings; chunk `i`'s are `shared[pathOf[i]]` and so on. */
    private readonly shared: readonly string[],
    private readonly pathOf: Uint32Array,
    private readonly languageOf: Uint32Array,
    private readonly contextOf: Uint32Array,
    private readonly lines: Uint32Array,
    /** Ids and hashes back to back: chunk `i`'s id is `keys[ends[2i-1] .. ends[2i])`, its hash the next span. */
    private readonly keys: string,
    private readonly ends: Uint32Array,
  ) {}

  static empty(): ChunkRecords {
    return ChunkRecords.from([]);
  }

  static from(records: readonly ChunkMeta[]): ChunkRecords {
    const shared: string[] = [];
    const index = new Map<string, number>();
    const share = (value: string) => {
      let at = index.get(value);
      if (at === undefined) {
        at = shared.push(value) - 1;
        index.set(value, at);
      }
      return at;
    };
    const n = records.length;
    const pathOf = new Uint32Array(n);
    const languageOf = new Uint32Array(n);
    const contextOf = new Uint32Array(n);
    const lines = new Uint32Array(n * 2);
    const ends = new Uint32Array(n * 2);
    const keys: string[] = [];
    let length = 0;
    records.forEach((record, i) => {
      pathOf[i] = share(record.path);
      languageOf[i] = share(record.language);
      contextOf[i] = share(record.context);
      lines[i * 2] = record.startLine;
      lines[i * 2 + 1] = record.endLine;
      keys.push(record.id, record.hash);
      ends[i * 2] = length += record.id.length;
      ends[i * 2 + 1] = length += record.hash.length;
    });
    return new ChunkRecords(shared, pathOf, languageOf, contextOf, lines, keys.join(''), ends);
  }

  /** The columns and tables as they are, for a file that stores them (see `recordsFile.ts`). */
  toParts(): RecordParts {
    return { shared: this.shared, keys: this.keys, pathOf: this.pathOf, languageOf: this.languageOf, contextOf: this.contextOf, lines: this.lines, ends: this.ends };
  }

  /** From parts `toParts` gave; throws when they do not fit together. */
  static fromParts(parts: RecordParts): ChunkRecords {
    const n = parts.pathOf.length;
    const fits = parts.languageOf.length === n && parts.contextOf.length === n && parts.lines.length === n * 2 && parts.ends.length === n * 2
      && (n === 0 || parts.ends[n * 2 - 1] === parts.keys.length)
      && [parts.pathOf, parts.languageOf, parts.contextOf].every((column) => column.every((at) => at < parts.shared.length));
    if (!fits) throw new Error('chunk records that do not fit together');
    return new ChunkRecords(parts.shared, parts.pathOf, parts.languageOf, parts.contextOf, parts.lines, parts.keys, parts.ends);
  }

  get length(): number {
    return this.pathOf.length;
  }

  path(i: number): string {
    return this.shared[this.pathOf[i]];
  }

  id(i: number): string {
    return this.keys.slice(i === 0 ? 0 : this.ends[i * 2 - 1], this.ends[i * 2]);
  }

  get(i: number): ChunkMeta {
    return {
      id: this.id(i),
      path: this.path(i),
      startLine: this.lines[i * 2],
      endLine: this.lines[i * 2 + 1],
      language: this.shared[this.languageOf[i]],
      hash: this.keys.slice(this.ends[i * 2], this.ends[i * 2 + 1]),
      context: this.shared[this.contextOf[i]],
    };
  }

  /** Whether any chunk is of `path`. */
  hasPath(path: string): boolean {
    const at = this.shared.indexOf(path);
    return at >= 0 && this.pathOf.includes(at);
  }

  /** Distinct paths of the chunks. */
  paths(): Set<string> {
    const out = new Set<string>();
    for (const at of this.pathOf) out.add(this.shared[at]);
    return out;
  }
}
