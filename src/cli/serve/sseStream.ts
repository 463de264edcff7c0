import type { ServerResponse } from 'node:http';

/**
 * Idle time after which a comment line is sent: proxies and clients drop connections that stay silent
 * for a minute or more, and a model loading can take that long before its first token.
 */
export const KEEP_ALIVE_MS = 15_000;

/** Server-Sent Events on one response: `event:` and `data:` lines, a comment when idle, back-pressure honoured. */
export class SseStream {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly res: ServerResponse, private readonly keepAliveMs = KEEP_ALIVE_MS) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // a proxy in front (nginx) must not hold events back
    });
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    this.arm();
  }

  /** Sends one event; resolves when the socket can take more. JSON never holds a raw newline, so `data:` is one line. */
  async send(type: string, data: unknown): Promise<void> {
    await this.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    clearTimeout(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }

  private async write(text: string): Promise<void> {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.arm();
    if (!this.res.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.write(': keep-alive\n\n'), this.keepAliveMs);
    this.timer.unref();
  }
}
