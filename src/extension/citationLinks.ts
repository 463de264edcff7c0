/**
 * Turns `[n]` citations in streamed answer text into links, even when `[`, `n` and `]` arrive in separate
 * pieces: text that may be the start of a citation is held back until it is complete or clearly is not.
 * Code spans and fences are passed through untouched.
 */
export class CitationLinker {
  private held = '';
  private inFence = false;
  private inCode = false;

  constructor(private readonly link: (index: number) => string | undefined) {}

  /** The part of `text` (with what was held back) that can be shown now, citations linked. */
  push(text: string): string {
    const input = this.held + text;
    this.held = '';
    let out = '';
    let i = 0;
    while (i < input.length) {
      const ch = input[i];
      if (input.startsWith('```', i)) {
        this.inFence = !this.inFence;
        out += '```';
        i += 3;
        continue;
      }
      if (ch === '`' && !this.inFence) this.inCode = !this.inCode;
      if (ch === '\n') this.inCode = false;
      if (ch === '[' && !this.inFence && !this.inCode && !/[\p{L}\p{N}_)\\]/u.test(input[i - 1] ?? '')) {
        const rest = input.slice(i);
        const complete = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/.exec(rest);
        if (complete && complete[0].length === rest.length) {
          this.held = rest; // a "(" next would make it a Markdown link, not a citation
          return out;
        }
        if (complete && rest[complete[0].length] !== '(') {
          out += this.linkList(complete[1]);
          i += complete[0].length;
          continue;
        }
        if (/^\[[\d,\s]*$/.test(rest) && rest.length < 24) {
          this.held = rest; // maybe a citation whose end has not arrived yet
          return out;
        }
      }
      out += ch;
      i++;
    }
    return out;
  }

  /** Whatever is still held back, at the end of the answer. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    const complete = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]$/.exec(rest);
    return complete ? this.linkList(complete[1]) : rest;
  }

  /** `1, 3` → the links of sources 1 and 3; a number with no source stays as written. */
  private linkList(numbers: string): string {
    return numbers.split(',').map((n) => this.link(Number(n.trim())) ?? `[${n.trim()}]`).join('');
  }
}
