import { CitationSpans } from '../protocol/citationSpans';
import type { CitationEvent } from '../protocol/events';

/**
 * Writes an answer into VS Code Chat as it streams, with each citation the engine reported turned into
 * a link. The engine sends a mark's citation events just before the token that contains it, and never
 * splits a mark across tokens, so every token can be written at once.
 */
export class ChatAnswerWriter {
  private readonly spans = new CitationSpans();
  private written = 0;
  /** The answer as plain text, for follow-up questions. */
  text = '';

  /** `link(n)` is the Markdown link to source `n`; a number without a source is shown as written. */
  constructor(private readonly link: (index: number) => string | undefined) {}

  citation(event: CitationEvent): void {
    this.spans.add(event);
  }

  /** The Markdown to show for the next token. */
  token(text: string): string {
    const parts = this.spans.split(text, this.written);
    this.written += text.length;
    this.text += text;
    return parts.map((part) => (typeof part === 'string' ? part
      : part.numbers.map((n, i) => (part.valid[i] ? this.link(n) : undefined) ?? `\\[${n}\\]`).join(''))).join('');
  }
}

/** Where a cited source is: enough to open it at its lines. */
interface SourceLines {
  path: string;
  startLine: number;
  endLine: number;
}

/** A writer whose `[n]` links run `command` to open source `n` (looked up in `sources` as they arrive) at its lines. */
export function sourceLinkWriter(sources: ReadonlyMap<number, SourceLines>, command: string): ChatAnswerWriter {
  return new ChatAnswerWriter((n) => {
    const source = sources.get(n);
    if (!source) return undefined;
    const args = encodeURIComponent(JSON.stringify([source.path, source.startLine, source.endLine]));
    return `[[${n}]](command:${command}?${args} "${source.path}:${source.startLine}-${source.endLine}")`;
  });
}
