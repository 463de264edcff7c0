// Bundles the extension, the CLI, the engine library and the webview script into dist/.
import * as esbuild from 'esbuild';
import { rm } from 'node:fs/promises';

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
  // VS Code provides 'vscode' at run time.
  external: ['vscode'],
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

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
