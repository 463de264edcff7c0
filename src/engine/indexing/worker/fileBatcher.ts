import type { FileEvent } from '../../../protocol/events';

/** How long file events wait to cross to the client: often enough to look live, rarely enough to cost nothing. */
export const FILE_FLUSH_MS = 50;
/** A batch goes at once when it holds this many (a fast run over many small files). */
const FILE_BATCH_MAX = 512;

/**
 * Gathers a job's file events and sends them in batches: at 50,000 chunks a run makes tens of thousands
 * of events, and one structured-cloned message each would cost more than the events are worth.
 */
export class FileBatcher {
  private events: FileEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (events: FileEvent[]) => void) {}

  readonly add = (event: FileEvent): void => {
    this.events.push(event);
    if (this.events.length >= FILE_BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FILE_FLUSH_MS);
  };

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.events.length === 0) return;
    const events = this.events;
    this.events = [];
    this.send(events);
  }

  /** Stops the timer; events still held are dropped (the call has been answered). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.events = [];
  }
}
