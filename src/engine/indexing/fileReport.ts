/** Each file's way through a job (read → chunked → embedded → stored, or an error), for the surfaces that show it. */
import type { FileEvent, FileStage } from '../../protocol/events';
import type { FileChange } from '../store/shard';

export type FileListener = (event: FileEvent) => void;

/**
 * Times and reports the files of one job. Without a listener it does nothing, so a job nobody watches
 * pays nothing but a null check per file.
 */
export class FileReport {
  /** When each file in flight started being read. */
  private readonly started = new Map<string, number>();

  constructor(private readonly listener?: FileListener) {}

  get active(): boolean {
    return this.listener !== undefined;
  }

  /** A file was read at `at`; its reading began at `since` (performance.now() values). */
  read(path: string, since: number, at = performance.now()): void {
    if (!this.listener) return;
    this.started.set(path, since);
    this.listener({ type: 'file_stage', path, stage: 'read', chunks: 0, ms: Math.round(at - since) });
  }

  /** A file reached `stage` at `at` (by default now). */
  stage(path: string, stage: FileStage, chunks: number, at = performance.now()): void {
    if (!this.listener) return;
    const since = this.started.get(path);
    if (since === undefined) return; // not a file this job (re-)indexes
    if (stage === 'stored') this.started.delete(path);
    this.listener({ type: 'file_stage', path, stage, chunks, ms: Math.round(at - since) });
  }

  error(path: string, reason: string): void {
    this.started.delete(path);
    this.listener?.({ type: 'file_error', path, reason });
  }
}

/** Reports the saved changes' files as stored (removals and unchanged files were never started: they are passed over). */
export function reportStored(report: FileReport, saved: readonly FileChange[]): void {
  if (!report.active) return;
  for (const change of saved) report.stage(change.path, 'stored', change.chunks.length);
}

/** Why a file could not be read, in words: the system's code explained, not a stack. */
export function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOENT': return 'the file was deleted before it could be read';
    case 'EISDIR': return 'it is a folder';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    default: return err instanceof Error ? err.message : String(err);
  }
}
