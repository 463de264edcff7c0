// Bundles the extension, the CLI, the engine library and the webview script into dist/.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const vectraLib = path.dirname(require.resolve('vectra'));

/**
 * Vectra's entry point also loads its server, web fetchers and CLI (gRPC, cheerio, yargs: megabytes we
 * never run). Point `vectra` at just the modules the store uses.
 */
const vectraStoreOnly = {
  name: 'vectra-store-only',
  setup(build) {
    build.onResolve({ filter: /^vectra$/ }, () => ({ path: 'vectra-store', namespace: 'vectra-store' }));
    // Vectra's own BM25 (wink, with a 4 MB language model) serves only its hybrid queries; ours has its own.
    build.onResolve({ filter: /^wink-(nlp|eng-lite-web-model|bm25-text-search)$/ }, (args) => ({ path: args.path, namespace: 'unused' }));
    build.onLoad({ filter: /.*/, namespace: 'unused' }, () => ({ contents: 'module.exports = {};' }));
    build.onLoad({ filter: /.*/, namespace: 'vectra-store' }, () => ({
      resolveDir: vectraLib,
      contents: ['LocalIndex', 'LocalFileStorage', 'ProtobufCodec']
        .map((name) => `export { ${name} } from ${JSON.stringify(path.join(vectraLib, name === 'LocalIndex' ? 'LocalIndex.js' : name === 'LocalFileStorage' ? 'storage/LocalFileStorage.js' : 'codecs/ProtobufCodec.js'))};`)
        .join('\n'),
    }));
  },
};

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // VS Code provides 'vscode' at run time; vectra's optional local-model loader is never used.
  external: ['vscode', '@huggingface/transformers'],
  plugins: [vectraStoreOnly],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { engine: 'src/engine/index.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { indexWorker: 'src/engine/indexing/worker/indexWorker.ts' }, outdir: 'dist' },
  // Loaded by the index thread only for Ollama or OpenAI embeddings, so their clients stay out of its heap otherwise.
  { ...node, entryPoints: { remoteEmbedders: 'src/engine/indexing/worker/remoteEmbedders.ts' }, outdir: 'dist' },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production,
    logLevel: 'warning', entryPoints: { panel: 'media/panel.ts' }, outdir: 'dist/webview',
  },
];

// A release build starts from an empty dist/ so no stale file (a source map) is packaged.
if (production) await rm('dist', { recursive: true, force: true });

// ProtobufCodec reads its schema at run time from beside the bundle.
await mkdir('dist/schemas', { recursive: true });
await copyFile(path.join(vectraLib, 'codecs/schemas/index.proto'), 'dist/schemas/index.proto');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
