import { Writable } from 'node:stream';

let protocol: Writable | undefined;

/**
 * On stdio, stdout belongs to the protocol: a stray line (a library's console.log, the index thread's
 * output) would break the client's parser. Everything written to `process.stdout` from now on goes to
 * stderr; the returned stream is the only way to the real stdout. Called as soon as the command is known
 * (main.ts), before anything else can run, and again by the server for the stream.
 */
export function divertStdout(): Writable {
  if (protocol) return protocol;
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout) as (chunk: unknown, encoding?: BufferEncoding, cb?: (err?: Error | null) => void) => boolean;
  protocol = new Writable({
    write(chunk, encoding, callback) {
      // Waits for the real stdout to take the bytes, so back-pressure reaches the transport.
      write(chunk, encoding, (err) => callback(err ?? undefined));
    },
  });
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  return protocol;
}
