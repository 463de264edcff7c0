/**
 * The files the baselines search: the same ones the engine indexes (its scanner's ignore rules and include
 * globs, text that is neither binary nor minified), so every ranking is measured on one corpus.
 */
import { promises as fs } from 'node:fs';
import { classifyContent } from '../../src/engine/indexing/fileContent';
import { scanWorkspace } from '../../src/engine/indexing/scanner';

export interface TextFile {
  /** Package-relative, forward slashes. */
  path: string;
  text: string;
}

export async function readPackageFiles(root: string, include: readonly string[]): Promise<TextFile[]> {
  const { files } = await scanWorkspace(root, { include });
  const read: TextFile[] = [];
  for (const file of files) {
    const verdict = classifyContent(await fs.readFile(file.absPath));
    if (verdict.kind === 'text') read.push({ path: file.path, text: verdict.text });
  }
  return read;
}

/** Lowercase runs of letters and digits: the plain tokens of the baselines, no stemming, no identifier splitting. */
export function plainWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}
