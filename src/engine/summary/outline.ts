
/** A heading or top-level declaration: where the file's outline has an entry. */
export interface OutlineEntry {
  /** 1-based file line. */
  line: number;
  text: string;
  /** Lower is more important: a Markdown heading's level, or a declaration's indentation depth + 1. */
  level: number;
}

/** Files whose `#` lines are headings (elsewhere they are comments). */
const MARKDOWN = /\.(md|mdx|markdown)$/i;
const HEADING = /^(#{1,6})\s+(\S.*?)\s*#*\s*$/;
/**
 * Declarations of the common languages, at the start of a line after modifiers: a reader scanning a file
 * looks for these. Deeper than two levels of indentation they are details of a body, not the outline.
 */
const DECLARATION = /^(\s{0,8})(?:(?:export|default|declare|public|private|protected|internal|static|abstract|final|sealed|async|override|open|inline|pub(?:\([a-z]+\))?|unsafe|extern)\s+)*(?:function\*?|class|interface|type|enum|struct|trait|impl|def|fn|func|module|namespace|object|record|protocol|extension|package|(?:const|let|var|val)\s+[\w$]+\s*(?::[^=]{0,60})?=\s*(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>)\b/;
/** An exported constant (`export const SESSION_TTL_MS = …`) is part of a module's outline too. */
const EXPORTED_VALUE = /^()export\s+(?:declare\s+)?(?:const|let|var)\s+[\w$]/;
/** Log lines at these levels are what a reader of a log looks for first. */
const ALARM = /\b(?:error|errors|fatal|panic|exception|failed|failure|warn|warning|critical|traceback)\b/i;

/** The outline entry a line starts, if any. */
export function outlineEntry(filePath: string, line: string, lineNumber: number): OutlineEntry | undefined {
  if (MARKDOWN.test(filePath)) {
    const heading = HEADING.exec(line);
    return heading ? { line: lineNumber, text: heading[2], level: heading[1].length } : undefined;
  }
  const declaration = DECLARATION.exec(line) ?? EXPORTED_VALUE.exec(line);
  if (!declaration) return undefined;
  const indent = declaration[1].replace(/\t/g, '    ').length;
  return { line: lineNumber, text: line.trim(), level: 1 + Math.floor(indent / 4) };
}

/** A line of a window with its score: how much it says that the rest of the window does not. */
export interface ScoredLine {
  line: number;
  text: string;
  score: number;
}

/**
 * A line's words for scoring: lowercased, numbers and one-letter words left out (a timestamp or an id
 * makes every line of a log unique without saying anything). Plain splitting, not the index's stemmed
 * terms: a window is scored once, and this is several times faster on a 5 MB log.
 */
function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z_][A-Za-z0-9_]+/g)) words.add(match[0].toLowerCase());
  return words;
}

/** Lines with fewer distinct terms than this are punctuation, a name or a blank: never the most informative. */
const MIN_TERMS = 3;

/**
 * Scores lines by the rarity of their words within the window (each line a document: a word in every line
 * of a log says nothing, the one line with `timeout` does), per square root of its word count so a long line
 * does not win by length alone; a line at an error or warning level counts double. Repeated lines score once.
 */
export function informativeLines(lines: readonly { line: number; text: string }[]): ScoredLine[] {
  const termsOf = lines.map((l) => wordsOf(l.text));
  const lineFrequency = new Map<string, number>();
  for (const set of termsOf) for (const term of set) lineFrequency.set(term, (lineFrequency.get(term) ?? 0) + 1);
  const seen = new Set<string>();
  const scored: ScoredLine[] = [];
  lines.forEach((l, i) => {
    const set = termsOf[i];
    if (set.size < MIN_TERMS) return;
    const key = [...set].sort().join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    let rarity = 0;
    for (const term of set) rarity += Math.log(1 + lines.length / lineFrequency.get(term)!);
    const score = (rarity / Math.sqrt(set.size)) * (ALARM.test(l.text) ? 2 : 1);
    scored.push({ line: l.line, text: l.text, score });
  });
  return scored.sort((a, b) => b.score - a.score || a.line - b.line);
}
