/**
 * The evaluation corpus: the packages the questions are about, installed once from the npm registry
 * into eval/.corpus (ignored by git) at exact versions, so the answer files the questions name exist
 * and every run indexes the same files whatever the project's own dependencies become.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { QuestionSet } from './questionSets';

export const CORPUS_DIR = path.join(__dirname, '.corpus');

/** Where an installed package's files are. */
export function packageRoot(name: string): string {
  return path.join(CORPUS_DIR, 'node_modules', name);
}

/** The folder to index for a set: its package's, with the set's `.ragignore` (if any) written there first. */
export function indexRoot(set: Pick<QuestionSet, 'package' | 'ragignore'>): string {
  const root = packageRoot(set.package);
  if (set.ragignore?.length) writeFileSync(path.join(root, '.ragignore'), set.ragignore.join('\n') + '\n');
  return root;
}

/**
 * Installs the pinned packages unless this exact list is already installed. Peer dependencies are
 * left out (only the packages' own files are indexed) and install scripts never run.
 */
export function ensureCorpus(pins: Record<string, string>): void {
  const stamp = path.join(CORPUS_DIR, 'installed.json');
  const wanted = JSON.stringify(Object.fromEntries(Object.entries(pins).sort()));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  mkdirSync(CORPUS_DIR, { recursive: true });
  writeFileSync(path.join(CORPUS_DIR, 'package.json'), JSON.stringify({ name: 'eval-corpus', private: true, dependencies: pins }, null, 2));
  process.stderr.write('Installing the evaluation packages from the npm registry (once)…\n');
  execFileSync('npm', ['install', '--ignore-scripts', '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: CORPUS_DIR, stdio: 'inherit' });
  writeFileSync(stamp, wanted);
}
