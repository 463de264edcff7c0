import type { RagEvent, SourceCardData } from '../protocol/events';
import { snippetLines } from './snippetLines';
import { formatMs, type Styler } from './terminal';

/**
 * Prints an answer stream for people: the sources as soon as they are found (each with the lines that
 * match the question), the answer as it arrives, then which sources it cited and how long it took.
 */
export class AnswerPrinter {
  private readonly sources = new Map<number, SourceCardData>();
  private model = '';
  private endsWithNewline = true;

  constructor(private readonly out: NodeJS.WritableStream, private readonly err: NodeJS.WritableStream, private readonly style: Styler) {}

  /** Lines about the setup (why auto answers offline), on stderr before the answer. */
  notes(lines: readonly string[]): void {
    for (const line of lines) this.err.write(this.style.dim(line) + '\n');
  }

  print(event: RagEvent): void {
    switch (event.type) {
      case 'source':
        if (this.sources.size === 0) this.out.write(this.style.bold('Sources') + '\n');
        this.source(event);
        break;
      case 'context_update': {
        // The model searched again: its new sources, numbered on, between the lines of the answer.
        if (!this.endsWithNewline) this.out.write('\n');
        const found = event.sources.length === 0 ? 'nothing new' : `${event.sources.length} more source${event.sources.length === 1 ? '' : 's'}`;
        this.out.write(this.style.bold(`Searched again: "${event.query}"`) + this.style.dim(` · ${found}`) + '\n');
        for (const source of event.sources) this.source(source);
        this.out.write('\n');
        this.endsWithNewline = true;
        break;
      }
      case 'retrieval_done':
        if (event.numDocs === 0) this.out.write(this.style.dim('No matching passages in the index.') + '\n');
        this.out.write('\n');
        break;
      case 'generation_start': {
        // On stderr, so the answer on stdout stays clean; again when auto falls back to another provider.
        const model = `${event.provider} · ${event.model}`;
        this.err.write(this.style.dim(this.model ? `${this.model} could not answer; answering with ${model}` : `Answering with ${model}`) + '\n');
        this.model = model;
        break;
      }
      case 'token':
        this.out.write(event.text);
        this.endsWithNewline = event.text.endsWith('\n');
        break;
      case 'generation_done': {
        if (!this.endsWithNewline) this.out.write('\n');
        const cited = event.cited.map((i) => this.sources.get(i)).filter((s): s is SourceCardData => s !== undefined);
        if (cited.length > 0) {
          this.out.write('\n' + this.style.bold('Cited') + '\n');
          for (const source of cited) this.out.write(`  ${this.style.cyan(`[${source.index}]`)} ${location(source)}\n`);
        }
        const ttft = event.ttftMs === null ? '' : `first token ${formatMs(event.ttftMs)} · `;
        this.out.write(this.style.dim(`\n${this.model} · ${ttft}${formatMs(event.totalMs)}`) + '\n');
        break;
      }
      case 'error':
        if (!this.endsWithNewline) this.out.write('\n');
        this.err.write(this.style.red(`Error (${event.stage}): ${event.message}`) + '\n');
        break;
      default:
        break;
    }
  }

  private source(source: SourceCardData): void {
    this.sources.set(source.index, source);
    this.out.write(`  ${this.style.cyan(`[${source.index}]`)} ${location(source)}  ${this.style.dim(source.score.toFixed(3))}\n`);
    for (const line of snippetLines(source.snippet, source.snippetMatches, this.style)) this.out.write(`      ${line}\n`);
  }
}

function location(source: SourceCardData): string {
  return `${source.path}:${source.startLine}-${source.endLine}`;
}
