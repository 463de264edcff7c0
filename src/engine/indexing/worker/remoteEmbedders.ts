/**
 * The embedders that call a server, bundled apart from the index thread (`dist/remoteEmbedders.js`):
 * the ollama and openai clients add megabytes to a thread's start-up heap, under its limit, and an
 * index that embeds offline never needs them.
 */
import type { EmbedderConfig } from '../../../protocol/indexing';
import { OllamaEmbedder } from '../../providers/ollamaEmbedder';
import { OpenAIEmbedder } from '../../providers/openaiEmbedder';
import type { Embedder } from '../embedder';


export function createRemoteEmbedder(config: Exclude<EmbedderConfig, { kind: 'offline' }>): Embedder {
  switch (config.kind) {
    case 'ollama':
      return new OllamaEmbedder({ host: config.host, model: config.model });
    case 'openai':
      return new OpenAIEmbedder({ baseURL: config.baseURL, apiKey: config.apiKey, model: config.model, keyHint: config.keyHint });
  }
}
