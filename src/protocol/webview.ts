/**
 * The messages between the extension and the sidebar panel, imported by both sides. Answers travel as
 * the engine's own events.
 */
import type { UserAction } from './errorCodes';
import type { RagEvent } from './events';
import type { IndexProgress } from './indexing';
import type { FileActivityState, SessionState } from './session';

/** One question (or a file to summarise) and everything its stream said so far. */
export interface Turn {
  id: number;
  question: string;
  events: RagEvent[];
  status: 'streaming' | 'done' | 'error' | 'stopped';
  /** A file's summary (`summary_*` events) rather than an answer; absent for answers. */
  kind?: 'summary';
}

/** The status a turn takes after `event`: done after the last event of a good stream, error or stopped after an error. */
export function statusAfter(event: RagEvent): Turn['status'] | undefined {
  if (event.type === 'generation_done' || event.type === 'summary_done') return 'done';
  if (event.type === 'error') return event.code === 'cancelled' ? 'stopped' : 'error';
  return undefined;
}

/** What the panel shows about the index. */
export interface IndexView {
  files: number;
  chunks: number;
  lastUpdated: number | null;
  /** "Indexing 120 of 4,000 files" while a job runs. */
  progress: string | null;
  error: string | null;
  /** Recent problems worth a look (a damaged part of the index repaired), newest last. */
  warnings: string[];
  /** The files indexing stored lately (newest last), and those it could not read, with the reason. */
  activity: FileActivityState;
}

/** An earlier conversation in the panel's list. */
export interface ConversationSummary {
  id: string;
  /** Its first question, shortened. */
  title: string;
  /** When its last question was asked (ms since the epoch). */
  updatedAt: number;
  questions: number;
}

/** The conversations kept for this workspace, newest first, and the one shown (null: a new one, not yet asked in). */
export interface ConversationsView {
  list: ConversationSummary[];
  current: string | null;
}

/** Who will answer the next question, as the user chose it. */
export interface ModelView {
  label: string;
}

export type HostMessage =
  | { type: 'restore'; turns: Turn[]; index: IndexView; model: ModelView; conversations: ConversationsView }
  | { type: 'conversations'; conversations: ConversationsView }
  | { type: 'turn'; turn: Turn }
  | { type: 'events'; turnId: number; events: RagEvent[] }
  | { type: 'status'; turnId: number; status: Turn['status'] }
  | { type: 'index'; index: IndexView }
  | { type: 'model'; model: ModelView }
  | { type: 'focusInput' };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'ask'; question: string }
  /** Summarise a file: `path` as typed in the box, or (in VS Code, without one) the active editor's file. */
  | { type: 'summarize'; path?: string }
  | { type: 'stop' }
  /** Starts a new conversation; the current one stays in the list. */
  | { type: 'newConversation' }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'open'; path: string; startLine: number; endLine: number }
  /** One of the actions an error offered (see errorCodes.ts); the host runs only known ones. */
  | { type: 'action'; action: UserAction };

/** The panel's view of a session's index state. */
export function indexView(state: SessionState): IndexView {
  return {
    files: state.files,
    chunks: state.chunks,
    lastUpdated: state.lastUpdated ?? null,
    progress: state.progress && state.progress.phase !== 'done' ? describeProgress(state.progress) : null,
    error: state.error?.message ?? null,
    warnings: state.warnings.map((w) => w.message),
    activity: state.activity,
  };
}

/** A job's progress in words, for notifications and the panel. */
export function describeProgress(p: IndexProgress): string {
  switch (p.phase) {
    case 'waiting': return 'Waiting for another window or process updating this index…';
    case 'scanning': return 'Scanning files…';
    case 'indexing': return `Indexing ${p.filesDone.toLocaleString()} of ${p.filesTotal.toLocaleString()} files (${p.chunks.toLocaleString()} chunks)`;
    case 'saving': return 'Saving the index…';
    default: return 'Done';
  }
}
