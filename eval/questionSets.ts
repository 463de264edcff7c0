/** The question sets (`eval/*Questions.json`): what is asked about which package, and which files answer. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Question {
  q: string;
  /** Package-relative paths of the files that answer it; any one of them counts. */
  answers: string[];
}

export interface QuestionSet {
  package: string;
  /** The exact version the questions were written against. */
  version: string;
  /** Globs of the files indexed; empty: the whole package, as a clone would be. */
  include: string[];
  /**
   * Lines of a `.ragignore` written at the package's root before it is indexed, as a user re-includes a
   * folder the default excludes leave out (next ships its docs and sources under `dist/`).
   */
  ragignore?: string[];
  questions: Question[];
}

/** Every set in this folder, sorted by file name; `only` keeps the packages named there. */
export async function loadQuestionSets(only: readonly string[] = []): Promise<QuestionSet[]> {
  const files = (await fs.readdir(__dirname)).filter((f) => f.endsWith('Questions.json')).sort();
  const sets: QuestionSet[] = [];
  for (const file of files) {
    const set = JSON.parse(await fs.readFile(path.join(__dirname, file), 'utf8')) as QuestionSet;
    if (!set.version) throw new Error(`${file}: no pinned "version"`);
    if (only.length === 0 || only.includes(set.package)) sets.push(set);
  }
  if (only.length > 0 && sets.length !== only.length) {
    throw new Error(`Unknown package in ${only.join(', ')}; the sets are for ${files.join(', ')}`);
  }
  return sets;
}

/** The exact versions to install: every set's package, so the corpus does not change with the filter. */
export async function pinnedVersions(): Promise<Record<string, string>> {
  const pins: Record<string, string> = {};
  for (const set of await loadQuestionSets()) pins[set.package] = set.version;
  return pins;
}
