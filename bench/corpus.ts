/**
 * The benchmark corpus: real packages nobody here wrote, installed once from the npm registry into
 * bench/.corpus (ignored by git) at pinned versions, so every run indexes the same files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const CORPUS_DIR = path.join(__dirname, '.corpus');
export const CORPUS_ROOT = path.join(CORPUS_DIR, 'node_modules');

/** Libraries and their docs: TypeScript, JavaScript, Markdown, type declarations. */
const PACKAGES: Record<string, string> = {
  openai: '6.9.1',
  'gpt-tokenizer': '3.4.0',
  undici: '7.16.0',
  '@types/node': '24.10.1',
  lodash: '4.17.21',
  rxjs: '7.8.1',
  three: '0.160.0',
  'date-fns': '3.6.0',
  protobufjs: '7.5.4',
  '@grpc/grpc-js': '1.14.1',
  cheerio: '1.0.0',
  webpack: '5.97.1',
  eslint: '9.17.0',
};

export function ensureCorpus(): void {
  if (existsSync(path.join(CORPUS_DIR, 'installed.json'))) return;
  mkdirSync(CORPUS_DIR, { recursive: true });
  writeFileSync(path.join(CORPUS_DIR, 'package.json'), JSON.stringify({ name: 'bench-corpus', private: true, dependencies: PACKAGES }, null, 2));
  process.stderr.write('Installing the benchmark corpus from the npm registry (once)…\n');
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CORPUS_DIR, stdio: 'inherit' });
  writeFileSync(path.join(CORPUS_DIR, 'installed.json'), JSON.stringify(PACKAGES));
}
