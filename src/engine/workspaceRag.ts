import type { Source } from '../protocol/events';
import { DEFAULT_OFFLINE_NOTICE, extractiveAnswer } from './offline/extractiveAnswer';
import type { Llm, Retriever } from './strategies';
import type { StreamConfig } from './streamConfig';
import { StreamingRag, type StreamingRagOptions } from './streamingRag';

/** Anything that finds passages for a question: the workspace index, or a test double. */
export interface Searchable {
  search(query: string, options: { k?: number; signal?: AbortSignal }): Promise<Source[]>;
}

export interface WorkspaceRagOptions {
  index: Searchable;
  /** The model; without one, answers are extractive and offline. */
  llm?: Llm;
  /** Passages retrieved per question. */
  k?: number;
  config?: Partial<StreamConfig>;
  /** First line of offline answers: how to configure a model on this surface. */
  offlineNotice?: string;
  onEvent?: StreamingRagOptions['onEvent'];
}

/**
 * Sources in the prompt are cut to this many characters: room for a whole function, within small local
 * models' windows. (The engine's own default is the seed's 500, meant for prose passages.)
 */
export const WORKSPACE_MAX_DOC_CHARS = 1500;

/** The offline answerer, named in `generation_start`. */
export const OFFLINE_MODEL = { provider: 'offline', model: 'extractive' } as const;

/** Wires an index and an optional model into the streaming engine; with no model, the offline answer streams. */
export function createWorkspaceRag(options: WorkspaceRagOptions): StreamingRag {
  const notice = options.offlineNotice ?? DEFAULT_OFFLINE_NOTICE;
  const retriever: Retriever = {
    retrieve: (query, { signal }) => options.index.search(query, { k: options.k, signal }),
    generate: (query, sources) => extractiveAnswer(query, sources, notice),
    info: OFFLINE_MODEL,
  };
  return new StreamingRag({ retriever, llm: options.llm, config: { maxDocChars: WORKSPACE_MAX_DOC_CHARS, ...options.config }, onEvent: options.onEvent });
}
