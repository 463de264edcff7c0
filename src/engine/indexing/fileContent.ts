/** A line this long is machine-written (minified or bundled), not something people ask about. */
export const MINIFIED_LINE_CHARS = 3000;
/** Text files with this average line width are generated data rather than code or prose. */
const MINIFIED_AVERAGE_CHARS = 400;
/** NUL bytes in the first block mean binary, as git decides. */
const SNIFF_BYTES = 8000;

export type ContentVerdict =
  | { kind: 'text'; text: string }
  | { kind: 'binary' }
  | { kind: 'minified' };

/**
 * Decodes a file's bytes as text, or says why it is not indexable text. UTF-16 with a byte-order mark
 * is decoded, invalid UTF-8 sequences become U+FFFD instead of failing the file.
 */
export function classifyContent(bytes: Uint8Array): ContentVerdict {
  const text = decodeText(bytes);
  if (text === undefined) return { kind: 'binary' };
  if (looksMinified(text)) return { kind: 'minified' };
  return { kind: 'text', text };
}

function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return new TextDecoder('utf-16le').decode(swapped.swap16());
  }
  const sniff = bytes.subarray(0, SNIFF_BYTES);
  if (sniff.includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function looksMinified(text: string): boolean {
  let lineStart = 0;
  let lines = 0;
  for (;;) {
    const end = text.indexOf('\n', lineStart);
    const lineEnd = end === -1 ? text.length : end;
    if (lineEnd - lineStart >= MINIFIED_LINE_CHARS) return true;
    lines++;
    if (end === -1) break;
    lineStart = end + 1;
  }
  return text.length > 5000 && text.length / lines > MINIFIED_AVERAGE_CHARS;
}
