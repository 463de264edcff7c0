/** The files indexing went through lately, for the panel's index view and `/v1/health`: a short list, never a log. */
import type { FileEvent } from '../../protocol/events';
import type { FileActivityState } from '../../protocol/session';

/** Files kept in each list: what fits in a glance at the panel. */
export const RECENT_FILES = 8;
export const RECENT_FAILURES = 20;

export class FileActivity {
  private stored: FileActivityState['stored'] = [];
  private failed: FileActivityState['failed'] = [];

  /** Takes one file event; a file stored again is no longer failing. */
  record(event: FileEvent): void {
    if (event.type === 'file_error') {
      this.failed = [...this.failed.filter((f) => f.path !== event.path), { path: event.path, reason: event.reason }].slice(-RECENT_FAILURES);
    } else if (event.stage === 'stored') {
      this.stored = [...this.stored.filter((f) => f.path !== event.path), { path: event.path, chunks: event.chunks, ms: event.ms }].slice(-RECENT_FILES);
      if (this.failed.some((f) => f.path === event.path)) this.failed = this.failed.filter((f) => f.path !== event.path);
    }
  }

  get state(): FileActivityState {
    return { stored: [...this.stored], failed: [...this.failed] };
  }
}
