/**
 * Every error code an answer, a search or the index can end with, and what a user can do about each.
 * Surfaces show one button per action (the panel, `@rag`), or name the action (CLI, HTTP, MCP); no
 * surface keeps its own list.
 */

/** Something a user can do about an error; each surface maps it to its own command or hint. */
export type ActionId = 'selectProvider' | 'setOpenAIKey' | 'reindex' | 'clearIndex' | 'showLogs' | 'openSettings';

export interface UserAction {
  id: ActionId;
  label: string;
  /** For `openSettings`: the setting to show (without the `workspaceRag.` prefix). */
  setting?: string;
}

const SELECT_PROVIDER: UserAction = { id: 'selectProvider', label: 'Select Provider and Model' };
const SET_KEY: UserAction = { id: 'setOpenAIKey', label: 'Set OpenAI API Key' };
const REINDEX: UserAction = { id: 'reindex', label: 'Reindex Workspace' };
const CLEAR_INDEX: UserAction = { id: 'clearIndex', label: 'Clear Index' };
const LOGS: UserAction = { id: 'showLogs', label: 'Show Logs' };
const setting = (key: string, label: string): UserAction => ({ id: 'openSettings', label, setting: key });

/**
 * The codes, each with the actions that fix it, most useful first. `cancelled` is the user's own stop
 * and offers nothing.
 */
export const ERROR_CODES = {
  cancelled: [],
  // Providers (providers/providerErrors.ts and VS Code's model).
  connection_refused: [SELECT_PROVIDER, LOGS],
  model_not_found: [SELECT_PROVIDER],
  unauthorized: [SET_KEY, SELECT_PROVIDER],
  rate_limited: [SELECT_PROVIDER],
  server_error: [SELECT_PROVIDER, LOGS],
  stream_interrupted: [SELECT_PROVIDER, LOGS],
  bad_response: [SELECT_PROVIDER, LOGS],
  bad_request: [SELECT_PROVIDER, LOGS],
  request_timeout: [SELECT_PROVIDER, setting('generationTimeoutSeconds', 'Change the Timeout')],
  generation_failed: [SELECT_PROVIDER, LOGS],
  // The engine.
  generation_timeout: [SELECT_PROVIDER, setting('generationTimeoutSeconds', 'Change the Timeout')],
  retrieval_timeout: [REINDEX, setting('retrievalTimeoutSeconds', 'Change the Timeout')],
  retrieval_failed: [REINDEX, LOGS],
  invalid_setting: [setting('', 'Open Settings')],
  // Summaries: the path named is the thing to fix.
  path_not_allowed: [],
  file_unreadable: [],
  // The index.
  index_locked: [LOGS],
  index_out_of_memory: [setting('indexMemoryLimitMb', 'Raise the Memory Limit'), setting('exclude', 'Exclude Folders')],
  index_crashed: [REINDEX, LOGS],
  index_failed: [REINDEX, LOGS],
  index_lock_lost: [REINDEX, LOGS],
  embedding_mismatch: [CLEAR_INDEX, REINDEX],
} as const satisfies Record<string, readonly UserAction[]>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The actions that fix an error, Show Logs last; an unknown code (from a newer engine) gets the logs. */
export function actionsFor(code: string): readonly UserAction[] {
  return isErrorCode(code) ? ERROR_CODES[code] : [LOGS];
}
