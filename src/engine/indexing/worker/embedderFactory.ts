import type { EmbedderConfig } from '../../../protocol/indexing';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Embedder } from '../embedder';
import { OfflineEmbedder } from '../offlineEmbedder';

import type * as RemoteEmbedders from './remoteEmbedders';

/** Builds the embedder a config names. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.kind) {
    case 'offline':
      return new OfflineEmbedder();
    case 'ollama':
    case 'openai':
      return loadRemoteEmbedders().createRemoteEmbedder(config);
  }
}

/**
 * Loads the remote embedders from their own bundle beside this one (`remoteEmbedders.js` in dist/;
 * the .ts source when run unbundled), only when a config asks for one.
 */
function loadRemoteEmbedders(): typeof RemoteEmbedders {
  return createRequire(__filename)(path.join(__dirname, 'remoteEmbedders')) as typeof RemoteEmbedders;
}
