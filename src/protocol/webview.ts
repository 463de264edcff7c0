/**
 * The messages between the extension and the sidebar panel, imported by both sides (types only on the
 * webview side, which must not pull in `vscode`). Answers travel as the engine's own events.
 */
import type { ErrorEvent, RagEvent } from './events';

/** One question and everything its answer stream said so far. */
export interface Turn {
  id: number;
  question: string;
  events: RagEvent[];
  status: 'streaming' | 'done' | 'error' | 'stopped';
}

/** What the panel shows about the index. */
export interface IndexView {
  files: number;
  chunks: number;
  lastUpdated: number | null;
  /** "Indexing 120 of 4,000 files" while a job runs. */
  progress: string | null;
  error: string | null;
}

/** Who will answer the next question, as the user chose it. */
export interface ModelView {
  label: string;
}

export type HostMessage =
  | { type: 'restore'; turns: Turn[]; index: IndexView; model: ModelView }
  | { type: 'turn'; turn: Turn }
  | { type: 'events'; turnId: number; events: RagEvent[] }
  | { type: 'status'; turnId: number; status: Turn['status'] }
  | { type: 'index'; index: IndexView }
  | { type: 'model'; model: ModelView }
  | { type: 'focusInput' };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'ask'; question: string }
  | { type: 'stop' }
  | { type: 'clear' }
  | { type: 'open'; path: string; startLine: number; endLine: number }
  | { type: 'command'; command: ActionCommand };

/** The only commands the panel may run: the ones that fix what an error reports. */
export const ACTION_COMMANDS = {
  selectProvider: 'workspaceRag.selectProvider',
  setOpenAIKey: 'workspaceRag.setOpenAIKey',
  reindex: 'workspaceRag.reindex',
  showLogs: 'workspaceRag.showLogs',
} as const;

export type ActionCommand = (typeof ACTION_COMMANDS)[keyof typeof ACTION_COMMANDS];

/** The buttons an error offers, by its code: each runs the command that fixes it. */
export function actionsFor(error: Pick<ErrorEvent, 'code' | 'stage'>): { label: string; command: ActionCommand }[] {
  const actions: { label: string; command: ActionCommand }[] = [];
  if (error.code === 'cancelled') return actions;
  if (error.code === 'unauthorized') actions.push({ label: 'Set OpenAI API Key', command: ACTION_COMMANDS.setOpenAIKey });
  if (['connection_refused', 'model_not_found', 'unauthorized', 'rate_limited', 'server_error', 'generation_timeout', 'stream_interrupted', 'bad_response'].includes(error.code)) {
    actions.push({ label: 'Select Provider and Model', command: ACTION_COMMANDS.selectProvider });
  }
  if (error.stage === 'retrieval' || error.stage === 'indexing') actions.push({ label: 'Reindex Workspace', command: ACTION_COMMANDS.reindex });
  actions.push({ label: 'Show Logs', command: ACTION_COMMANDS.showLogs });
  return actions;
}
