import type { StreamStats } from '../protocol/events';

/** Counts streams, tokens, errors and latency; one counter can be shared by every engine of a session. */
export class StreamStatsCounter {
  totalStreams = 0;
  totalTokens = 0;
  totalErrors = 0;
  private completed = 0;
  private latencySum = 0;

  complete(totalMs: number): void {
    this.completed++;
    this.latencySum += totalMs;
  }

  get snapshot(): StreamStats {
    return {
      totalStreams: this.totalStreams,
      totalTokens: this.totalTokens,
      totalErrors: this.totalErrors,
      avgLatencyMs: this.completed === 0 ? 0 : Math.round((this.latencySum / this.completed) * 100) / 100,
    };
  }
}
