/** Longest `[…]` body we wait for; anything longer is prose, not a citation. */
const MAX_PENDING = 32;
const CITATION_BODY = /^\s*\d{1,4}(\s*,\s*\d{1,4})*\s*$/;

/**
 * Finds `[n]` citations (also `[1, 2]` and `[1][2]`) in streamed text as soon as the closing bracket
 * arrives, even when `[`, `1` and `]` come in separate tokens. Brackets right after a word (`items[1]`) or a backslash (`\[1]`)
 * and anything inside inline or fenced code are not citations.
 */
export class CitationTracker {
  private pending: string | null = null;
  private prev = '\n';
  private lineHasText = false;
  private backticks = 0;
  private backticksAtLineStart = false;
  private inlineFence = 0;
  private inFencedBlock = false;

  /** Feeds the next piece of the answer; returns the citation numbers completed by it, in order. */
  push(text: string): number[] {
    const found: number[] = [];
    for (const ch of text) {
      if (ch === '`') {
        if (this.backticks === 0) this.backticksAtLineStart = !this.lineHasText;
        this.backticks++;
        this.prev = ch;
        continue;
      }
      if (this.backticks > 0) this.closeBacktickRun();
      if (ch === '\n') {
        this.inlineFence = 0; // an unmatched backtick must not switch citations off for the rest of the answer
        this.lineHasText = false;
        this.pending = null;
        this.prev = ch;
        continue;
      }
      if (!/\s/.test(ch)) this.lineHasText = true;
      if (!this.inFencedBlock && this.inlineFence === 0) this.scan(ch, found);
      this.prev = ch;
    }
    return found;
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
    this.pending = null;
  }

  private scan(ch: string, found: number[]): void {
    if (ch === '[') {
      this.pending = /[\p{L}\p{N}_)\\]/u.test(this.prev) ? null : '';
      return;
    }
    if (this.pending === null) return;
    if (ch === ']') {
      if (CITATION_BODY.test(this.pending)) {
        for (const part of this.pending.split(',')) found.push(Number(part.trim()));
      }
      this.pending = null;
    } else if (/[\d,\s]/.test(ch) && this.pending.length < MAX_PENDING) {
      this.pending += ch;
    } else {
      this.pending = null;
    }
  }
}
