/** One frame of a Server-Sent Events stream as a fetch client reads it. */
export interface SseFrame {
  /** The `event:` field ('message' when absent); undefined for a comment line. */
  event: string | undefined;
  data: string;
  /** A comment frame's text (`: keep-alive`). */
  comment?: string;
  /** performance.now() when the frame was complete. */
  at: number;
}

/**
 * Reads a `text/event-stream` body frame by frame, as it arrives (blank-line separated; `event:`,
 * `data:` and `:` comment lines). Written against the spec, not the server, so it checks the framing.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      if (lines.every((l) => l.startsWith(':'))) {
        yield { event: undefined, data: '', comment: lines.map((l) => l.slice(1).trim()).join('\n'), at: performance.now() };
        continue;
      }
      let event = 'message';
      const data: string[] = [];
      for (const line of lines) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      yield { event, data: data.join('\n'), at: performance.now() };
    }
  }
}
