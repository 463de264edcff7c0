import type { SourceEvent, SummaryEvent } from '../protocol/events';
import { formatCount, formatMs, type Styler } from './terminal';

/**
 * Prints a summary stream for people: what is summarised and by whom (stderr), the summary as it arrives
 * (each part headed by its cited lines), then the sources its `[n]` point at and how long it took.
 */
export class SummaryPrinter {
  private readonly sources: SourceEvent[] = [];
  private model = '';
  private endsWithNewline = true;

  constructor(private readonly out: NodeJS.WritableStream, private readonly err: NodeJS.WritableStream, private readonly style: Styler) {}

  print(event: SummaryEvent): void {
    switch (event.type) {
      case 'summary_start': {
        this.model = `${event.provider} · ${event.model}`;
        const tokens = event.tokens === null ? '' : `, ${formatCount(event.tokens)} tokens`;
        this.err.write(this.style.dim(`Summarising ${event.path} (${formatCount(event.lines)} lines${tokens}) in ${event.windows} ${event.windows === 1 ? 'window' : 'windows'} with ${this.model}`) + '\n');
        break;
      }
      case 'source':
        this.sources.push(event);
        break;
      case 'token':
        this.out.write(event.text);
        this.endsWithNewline = event.text.endsWith('\n');
        break;
      case 'summary_done':
        if (!this.endsWithNewline) this.out.write('\n');
        this.printSources();
        this.out.write(this.style.dim(`\n${this.model} · ${event.windows} ${event.windows === 1 ? 'window' : 'windows'} · ${formatMs(event.totalMs)}`) + '\n');
        break;
      case 'error':
        if (!this.endsWithNewline) this.out.write('\n');
        if (event.code !== 'cancelled') this.printSources();
        this.err.write(this.style.red(`Error (${event.stage}): ${event.message}`) + '\n');
        break;
      default:
        break;
    }
  }

  private printSources(): void {
    if (this.sources.length === 0) return;
    this.out.write('\n' + this.style.bold('Sources') + '\n');
    for (const source of this.sources) this.out.write(`  ${this.style.cyan(`[${source.index}]`)} ${source.path}:${source.startLine}-${source.endLine}\n`);
  }
}
