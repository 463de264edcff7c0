/** V8 copies substrings shorter than this; longer ones are views that keep their whole parent string alive. */
const V8_SLICE_MIN_LENGTH = 13;

/**
 * A copy of `text` that shares no memory with the string it was cut from. A word or heading kept in an
 * index would otherwise keep its entire source file in memory for as long as the index lives.
 */
export function detach(text: string): string {
  return text.length < V8_SLICE_MIN_LENGTH ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
