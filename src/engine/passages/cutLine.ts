/** Characters kept before the focus when a line is cut: enough to read into the matched words. */
const LEAD_IN_CHARS = 30;
/** How far a cut end may move to fall between two words instead of inside one. */
const WORD_SLACK = 16;

/**
 * Cuts a line longer than `width` to about `width` characters around `focus` (a match), between words
 * where it can, marking each cut end with `…`. A character at `i` of the line is at `i - from` of the
 * text; `kept` is the part of the text that is the line's own.
 */
export function cutLine(line: string, focus: number, width: number): { text: string; from: number; kept: [number, number] } {
  if (line.length <= width) return { text: line, from: 0, kept: [0, line.length] };
  let start = Math.max(0, Math.min(focus - LEAD_IN_CHARS, line.length - width));
  let end = Math.min(line.length, start + width);
  if (start > 0) {
    const space = line.indexOf(' ', start);
    if (space >= 0 && space < Math.min(start + WORD_SLACK, Math.max(focus, start + 1))) start = space + 1;
  }
  if (end < line.length) {
    const space = line.lastIndexOf(' ', end);
    if (space > end - WORD_SLACK && space > start) end = space;
  }
  const head = start > 0 ? '…' : '';
  const text = head + line.slice(start, end) + (end < line.length ? '…' : '');
  return { text, from: start - head.length, kept: [head.length, head.length + end - start] };
}
