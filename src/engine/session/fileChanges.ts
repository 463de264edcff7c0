/** How the file watchers (the extension's, and the MCP and HTTP servers') batch changes before re-indexing. */

/**
 * Saves come in bursts (save all, a formatter, a git checkout) whose writes are milliseconds apart: this
 * much quiet ends a burst. Short, because it is part of the time from saving a file to finding it in a
 * search (`npm run bench`: under 300 ms at 50,000 chunks, this wait included).
 */
export const SAVE_DEBOUNCE_MS = 100;

/** Beyond this many files at once (a branch switch), one full incremental sync is cheaper than file-by-file updates. */
export const FULL_SYNC_THRESHOLD = 300;
