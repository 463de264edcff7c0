import type { CitationEvent } from './events';

/**
 * A citation mark of the answer, as the engine's `citation` events place it. Surfaces link or chip
 * exactly these spans; what counts as a citation is decided once, in the engine.
 */
export interface CitationSpan {
  offset: number;
  length: number;
  /** The source numbers the mark names, in order; `valid[i]` says whether a source has `numbers[i]`. */
  numbers: number[];
  valid: boolean[];
}

/** Collects citation events into spans: `[1, 2]` arrives as two events of one mark. */
export class CitationSpans {
  private readonly spans = new Map<number, CitationSpan>();

  add(event: Pick<CitationEvent, 'offset' | 'length' | 'index' | 'valid'>): void {
    const span = this.spans.get(event.offset);
    if (span) {
      span.numbers.push(event.index);
      span.valid.push(event.valid);
    } else {
      this.spans.set(event.offset, { offset: event.offset, length: event.length, numbers: [event.index], valid: [event.valid] });
    }
  }

  /**
   * Cuts `text`, which starts at `start` in the answer, into plain pieces and the citations inside it.
   * Joining the plain pieces and the citations' own text gives `text` back.
   */
  split(text: string, start = 0): (string | CitationSpan)[] {
    const parts: (string | CitationSpan)[] = [];
    let at = 0;
    const inside = [...this.spans.values()]
      .filter((s) => s.offset >= start && s.offset + s.length <= start + text.length)
      .sort((a, b) => a.offset - b.offset);
    for (const span of inside) {
      const from = span.offset - start;
      if (from < at) continue;
      if (from > at) parts.push(text.slice(at, from));
      parts.push(span);
      at = from + span.length;
    }
    if (at < text.length) parts.push(text.slice(at));
    return parts;
  }
}
