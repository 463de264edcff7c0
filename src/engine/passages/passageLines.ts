import type { Source } from '../../protocol/events';
import { isMarkdownLike, languageOf } from '../indexing/languages';
import { isMarkdownHeading, stripMarkdownNoise } from '../text/markdownNoise';
import { matchWords, repeatsQuestion, type QuestionTerms, type WordMatch } from '../text/wordMatches';

/** One line of a source as a snippet or the offline answer shows it, with the question's words found in it. */
export interface PassageLine {
  /** 1-based line number in the file. */
  lineNumber: number;
  /** The text shown: Markdown noise stripped from prose, code as written (trailing spaces dropped). */
  text: string;
  /** The question's words in `text`. */
  matches: WordMatch[];
  /** Code (a code file, or inside a fenced block of a Markdown file) rather than prose. */
  code: boolean;
  /** The language of a code line, for a fenced block: a Markdown fence's info string or the file's language. */
  language: string;
  heading: boolean;
}

/** A line of nothing but punctuation and brackets (a closing brace, a table rule): shown, never matched. */
const PUNCTUATION_ONLY = /^[\s{}()[\];,.:'"`<>/\\|*#=+~-]*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
/** Lines of longer texts are not read: no passage worth quoting hides beyond this (sources are a chunk or a few). */
const MAX_LINES = 2000;

/**
 * The readable lines of a source: blank lines, fence markers, link definitions and lines left empty
 * once layout markup is stripped are left out, so every line returned says something.
 */
export function passageLines(source: Source, question: QuestionTerms): PassageLine[] {
  const language = languageOf(source.path);
  const prose = isMarkdownLike(language);
  const markdown = language === 'markdown';
  const lines: PassageLine[] = [];
  let fence: { marker: string; language: string } | undefined;
  source.text.split(/\r?\n/, MAX_LINES).forEach((raw, offset) => {
    const lineNumber = source.startLine + offset;
    if (markdown) {
      const marker = FENCE.exec(raw);
      if (marker && (!fence || (marker[1][0] === fence.marker[0] && marker[1].length >= fence.marker.length && !marker[2]))) {
        fence = fence ? undefined : { marker: marker[1], language: marker[2] };
        return;
      }
    }
    const code = !prose || fence !== undefined;
    const text = code ? raw.trimEnd() : markdown ? stripMarkdownNoise(raw) : raw.trim();
    if (text.trim() === '') return;
    const heading = markdown && !code && isMarkdownHeading(raw);
    const matches = PUNCTUATION_ONLY.test(text) || repeatsQuestion(text, question) ? [] : matchWords(text, question);
    lines.push({ lineNumber, text, matches, code, language: fence ? fence.language : code ? language : '', heading });
  });
  return lines;
}
