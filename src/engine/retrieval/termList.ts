/**
 * A shard's terms, sorted and joined by newlines (terms are word characters only), with where each
 * starts. Looking a term up is a binary search over the joined text: opening an index builds no map
 * of hundreds of thousands of entries (that was most of a cold open), and holds no string per term.
 */
export class TermList {
  private constructor(
    private readonly joined: string,
    /** Term `i` is `joined[starts[i] .. starts[i + 1] - 1)`. */
    private readonly starts: Uint32Array,
  ) {}

  static empty(): TermList {
    return new TermList('', Uint32Array.of(0));
  }

  /** From the joined form written by `joined` (terms in sorted order). */
  static fromJoined(joined: string): TermList {
    if (joined === '') return TermList.empty();
    let count = 1;
    for (let i = joined.indexOf('\n'); i >= 0; i = joined.indexOf('\n', i + 1)) count++;
    const starts = new Uint32Array(count + 1);
    let n = 1;
    for (let i = joined.indexOf('\n'); i >= 0; i = joined.indexOf('\n', i + 1)) starts[n++] = i + 1;
    starts[count] = joined.length + 1;
    return new TermList(joined, starts);
  }

  /** From terms already sorted (by UTF-16 code units, as `Array.prototype.sort` orders them). */
  static fromSorted(terms: readonly string[]): TermList {
    return TermList.fromJoined(terms.join('\n'));
  }

  get count(): number {
    return this.starts.length - 1;
  }

  get text(): string {
    return this.joined;
  }

  term(i: number): string {
    return this.joined.slice(this.starts[i], this.starts[i + 1] - 1);
  }

  /** The position of `term`, or -1. */
  find(term: string): number {
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(term, middle);
      if (order === 0) return middle;
      if (order < 0) high = middle - 1;
      else low = middle + 1;
    }
    return -1;
  }

  /** Term → position, for rebuilding postings (writes only). */
  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    for (let i = 0; i < this.count; i++) map.set(this.term(i), i);
    return map;
  }

  private compare(term: string, i: number): number {
    const start = this.starts[i];
    const length = this.starts[i + 1] - 1 - start;
    const shared = Math.min(term.length, length);
    for (let k = 0; k < shared; k++) {
      const difference = term.charCodeAt(k) - this.joined.charCodeAt(start + k);
      if (difference !== 0) return difference;
    }
    return term.length - length;
  }
}
