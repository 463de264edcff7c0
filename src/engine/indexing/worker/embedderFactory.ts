import type { Embedder } from '../embedder';
import { OfflineEmbedder } from '../offlineEmbedder';
import type { EmbedderConfig } from './protocol';

/** Builds the embedder a config names. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.kind) {
    case 'offline':
      return new OfflineEmbedder();
    default:
      throw new Error(`The ${config.kind} embedder is not available yet.`);
  }
}
