/**
 * The one citation grammar of the product. A citation is `[n]` or a list `[n, m]` (1 to 4 digits each)
 * that is:
 * - not right after a letter, digit, `_`, `)` or `\` (`items[1]`, `(see above)[3]`, `\[1]` are text);
 * - not followed by `(` (`[1](https://…)` is a Markdown link);
 * - not inside inline code or a fenced code block.
 * Every surface places its links and chips from the engine's `citation` events, never from a pattern of
 * its own, so what the panel, `@rag`, the CLI and the HTTP API call a citation is the same.
 */

/** A citation found in the answer: where its text is and which sources it names. */
export interface CitationMark {
  /** Offset of the `[` in the whole answer (UTF-16 code units, as JavaScript strings count). */
  offset: number;
  /** Length of the mark's text, `[` to `]`. */
  length: number;
  numbers: number[];
}

/** Longest `[…]` body we wait for; anything longer is prose, not a citation. */
const MAX_BODY = 32;
const BODY = /^\s*\d{1,4}(\s*,\s*\d{1,4})*\s*$/;
const BLOCKS_CITATION = /[\p{L}\p{N}_)\\]/u;

/**
 * Finds citations in streamed text. Text that may still become part of a citation (`[`, `[1`, or a
 * complete `[1]` whose next character could make it a link) is held back until it is decided, so the
 * text `push` releases never ends inside a citation: a surface can link a mark in the piece that
 * contains it, without retracting anything it already showed.
 */
export class CitationScanner {
  /** Characters released so far: the offset of the next released character. */
  private released = 0;
  /** Text held back from `heldAt` on: a possible citation, not decided yet. */
  private held = '';
  /** Whether the held text is a complete `[…]` waiting for the character after it. */
  private closed = false;
  private prev = '\n';
  private lineHasText = false;
  private backticks = 0;
  private backticksAtLineStart = false;
  private inlineFence = 0;
  private inFencedBlock = false;

  /** Feeds the next piece of the answer; returns the text that can be shown now and the citations in it. */
  push(text: string): { text: string; marks: CitationMark[] } {
    let out = '';
    const marks: CitationMark[] = [];
    for (const ch of text) {
      if (this.held) {
        const decided = this.continueHeld(ch);
        if (decided === 'holding') continue;
        if (decided === 'citation') marks.push(this.mark(out.length));
        out += this.held;
        this.held = '';
        this.closed = false;
      }
      if (this.startsCitation(ch)) {
        this.held = ch;
      } else {
        out += ch;
      }
      this.advance(ch);
    }
    this.released += out.length;
    return { text: out, marks };
  }

  /** The end of the answer: whatever is held is decided with nothing after it. */
  flush(): { text: string; marks: CitationMark[] } {
    const text = this.held;
    const marks = this.closed ? [this.mark(0)] : [];
    this.released += text.length;
    this.held = '';
    this.closed = false;
    return { text, marks };
  }

  /** Whether `ch`, here, may open a citation. */
  private startsCitation(ch: string): boolean {
    return ch === '[' && this.backticks === 0 && !this.inFencedBlock && this.inlineFence === 0 && !BLOCKS_CITATION.test(this.prev);
  }

  /** Takes `ch` into the held text, or says how the held text was decided (`ch` is then not consumed). */
  private continueHeld(ch: string): 'holding' | 'citation' | 'text' {
    if (this.closed) return ch === '(' ? 'text' : 'citation';
    if (ch === ']') {
      if (!BODY.test(this.held.slice(1))) return 'text';
      this.held += ch;
      this.closed = true;
      this.advance(ch);
      return 'holding';
    }
    if (/[\d,\s]/.test(ch) && ch !== '\n' && this.held.length <= MAX_BODY) {
      this.held += ch;
      this.advance(ch);
      return 'holding';
    }
    return 'text';
  }

  /** The held text as a citation mark, released after `before` characters of this push. */
  private mark(before: number): CitationMark {
    const numbers = this.held.slice(1, -1).split(',').map((part) => Number(part.trim()));
    return { offset: this.released + before, length: this.held.length, numbers };
  }

  /** Code spans, fences and line starts, character by character. */
  private advance(ch: string): void {
    if (ch === '`') {
      if (this.backticks === 0) this.backticksAtLineStart = !this.lineHasText;
      this.backticks++;
      this.prev = ch;
      return;
    }
    if (this.backticks > 0) this.closeBacktickRun();
    if (ch === '\n') {
      this.inlineFence = 0; // an unmatched backtick must not switch citations off for the rest of the answer
      this.lineHasText = false;
    } else if (!/\s/.test(ch)) {
      this.lineHasText = true;
    }
    this.prev = ch;
  }

  private closeBacktickRun(): void {
    const run = this.backticks;
    this.backticks = 0;
    if (run >= 3 && this.backticksAtLineStart) {
      this.inFencedBlock = !this.inFencedBlock;
    } else if (!this.inFencedBlock) {
      if (this.inlineFence === 0) this.inlineFence = run;
      else if (this.inlineFence === run) this.inlineFence = 0;
    }
    this.lineHasText = true;
  }
}
