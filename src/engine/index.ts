/** The engine as a library (`dist/engine.js`): no VS Code, plain Node. */
export { StreamingRag } from './streamingRag';
export type { StreamingRagOptions, StreamOptions, QueryResult } from './streamingRag';
export { defaultStreamConfig, DEFAULT_PROMPT_TEMPLATE } from './streamConfig';
export type { StreamConfig } from './streamConfig';
export type * from './events';
export type { Llm, AsyncStreamingLlm, SyncStreamingLlm, Retriever } from './strategies';
export { RagError } from './errors';
export { buildPrompt } from './prompt';
export type { Turn } from './prompt';
export { extractiveAnswer } from './offline/extractiveAnswer';
export { createWorkspaceRag } from './workspaceRag';
export { WorkspaceIndex } from './indexing/workspaceIndex';
export type { IndexSummary, IndexProgress } from './indexing/workspaceIndex';
export { IndexClient } from './indexing/worker/indexClient';
