/**
 * Files a question names (`config.ts`, `src/payments.ts`, `.env`, `package.json`), lower-cased. A name is a
 * word with an extension or a leading dot, optionally after folders; prose like "e.g." may slip in, which is
 * harmless: it is only ever compared with the end of a path.
 */
const FILE_NAME = /(?:^|[\s(`'"<,])((?:[\w@-]+\/)*[\w-]*\.[a-z][\w-]{0,15})(?=$|[\s)`'">,;:?!]|\.(?:\s|$))/gi;

export function namedFiles(question: string): string[] {
  return [...question.matchAll(FILE_NAME)].map((match) => match[1].toLowerCase());
}

/** Whether `path` (relative, with `/`) is a file the question named: the whole path or its last parts. */
export function isNamed(path: string, names: readonly string[]): boolean {
  const lower = path.toLowerCase();
  return names.some((name) => lower === name || lower.endsWith(`/${name}`));
}
