/**
 * Streaming summaries of 5 MB files (a log and a generated TypeScript API), as `AnswerSession.summarize` runs
 * them from the built dist/engine.js: time to `summary_start`, to the first token and to the end, and the
 * heap the stream adds at its peak, against reading the same file whole and splitting it into lines (what a
 * summariser that holds the file would start with), measured in the same run. Offline (extractive) and with
 * the Ollama protocol fake (which answers at once), so the model mode's cost is the engine's own: counting
 * tokens and building prompts. Run alone: `node --import tsx bench/summaryBench.ts` (after `npm run build`).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnswerSession as AnswerSessionType } from '../src/engine/session/answerSession';
import { startOllamaFake } from '../test/helpers/ollamaFake';
import { percentile, round } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const ROOT = path.join(__dirname, '..');
const FILE_BYTES = 5 * 1024 * 1024;
const PASSES = 3;
/** The smallest heap the index thread may be given (the indexMemoryLimitMb setting's minimum; its default is 384). */
const BOUND_MB = 128;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AnswerSession } = require(path.join(ROOT, 'dist', 'engine.js')) as { AnswerSession: typeof AnswerSessionType };

function logFile(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < FILE_BYTES; i++) {
    const level = i % 97 === 0 ? 'ERROR' : i % 31 === 0 ? 'WARN' : 'INFO';
    const line = `2026-12-02T06:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z ${level} [worker-${i % 7}] `
      + (level === 'ERROR' ? `job ${i} failed: replica-${i % 5} timed out after ${i % 9000} ms` : `handled GET /api/items/${i} in ${i % 80} ms status=200`);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function apiFile(): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < FILE_BYTES; i++) {
    const block = `/** Request of operation ${i}: the fields the server reads. */\nexport interface Operation${i}Request {\n  id: string;\n  limit?: number;\n  cursor?: string;\n}\n\n`
      + `/** Calls operation ${i}; retries twice on 503. */\nexport async function operation${i}(client: Client, request: Operation${i}Request): Promise<Operation${i}Response> {\n  return client.post('/v1/op${i}', request);\n}\n\n`;
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}

interface Run { startMs: number; firstTokenMs: number; totalMs: number; peakHeapMb: number; windows: number }

async function summarize(session: AnswerSessionType, file: string, provider: string): Promise<Run> {
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
  const started = performance.now();
  let startMs = NaN;
  let firstTokenMs = NaN;
  let windows = 0;
  try {
    for await (const event of session.summarize(file, { provider })) {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      if (event.type === 'summary_start') { startMs = performance.now() - started; windows = event.windows; }
      if (event.type === 'token' && Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - started;
      if (event.type === 'error') throw new Error(event.message);
    }
  } finally {
    clearInterval(sampler);
  }
  return { startMs, firstTokenMs, totalMs: performance.now() - started, peakHeapMb: (peak - base) / 2 ** 20, windows };
}

/**
 * Whether the whole summary completes on a thread whose heap is bounded like the index thread's smallest
 * setting: the engine's bundle, in a worker with `maxOldGenerationSizeMb`, dies with ERR_WORKER_OUT_OF_MEMORY
 * if the summary holds too much.
 */
function withinBound(dir: string, file: string, provider: string, ollamaHost: string): Promise<string> {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { AnswerSession } = require(workerData.engine);
    (async () => {
      const session = new AnswerSession({ folders: [{ name: 'b', root: workerData.dir, indexDir: workerData.dir + '/.index' }],
        providers: { choice: workerData.provider, ollama: { host: workerData.ollamaHost, model: 'llama3.2' } } });
      let end = 'no end';
      for await (const event of session.summarize(workerData.file)) if (event.type === 'summary_done' || event.type === 'error') end = event.type === 'error' ? event.message : 'ok';
      await session.close();
      parentPort.postMessage(end);
    })().catch((err) => parentPort.postMessage(String(err)));`;
  return new Promise((resolve) => {
    const worker = new Worker(script, {
      eval: true, workerData: { engine: path.join(ROOT, 'dist', 'engine.js'), dir, file, provider, ollamaHost },
      resourceLimits: { maxOldGenerationSizeMb: BOUND_MB, maxYoungGenerationSizeMb: 16 },
    });
    worker.once('message', (end: string) => { resolve(end === 'ok' ? `completes in ${BOUND_MB} MB` : end); void worker.terminate(); });
    worker.once('error', (err: Error & { code?: string }) => resolve(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory at ${BOUND_MB} MB` : err.message));
  });
}

/** The heap that holding the file takes: read whole, then split into lines. */
async function holdWhole(file: string): Promise<number> {
  const base = process.memoryUsage().heapUsed;
  const text = await fs.readFile(file, 'utf8');
  const lines = text.split('\n');
  const used = process.memoryUsage().heapUsed - base;
  if (lines.length === 0) throw new Error('empty');
  return used / 2 ** 20;
}

export async function runSummaryBench(): Promise<BenchSection> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rag-summary-bench-'));
  await fs.writeFile(path.join(dir, 'app.log'), logFile());
  await fs.writeFile(path.join(dir, 'api.ts'), apiFile());
  const fake = await startOllamaFake();
  fake.defaultChat = { tokens: ['- A part ', 'of the file.'] };
  const session = new AnswerSession({
    folders: [{ name: 'bench', root: dir, indexDir: path.join(dir, '.index') }],
    providers: { choice: 'offline', ollama: { host: fake.url, model: 'llama3.2' } },
  });
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const file of ['app.log', 'api.ts']) {
      for (const provider of ['offline', 'ollama']) {
        await summarize(session, file, provider); // warm-up: the tokenizer's tables load once per process
        const runs: Run[] = [];
        const whole: number[] = [];
        for (let pass = 0; pass < PASSES; pass++) {
          (globalThis as { gc?: () => void }).gc?.();
          whole.push(await holdWhole(path.join(dir, file)));
          (globalThis as { gc?: () => void }).gc?.();
          runs.push(await summarize(session, file, provider));
        }
        const p50 = (pick: (r: Run) => number) => round(percentile(runs.map(pick), 50));
        const row = {
          windows: runs[0].windows, startMs: p50((r) => r.startMs), firstTokenMs: p50((r) => r.firstTokenMs), totalMs: p50((r) => r.totalMs),
          peakHeapMb: p50((r) => r.peakHeapMb), wholeFileHeapMb: round(percentile(whole, 50)),
        };
        const bounded = await withinBound(dir, file, provider, fake.url);
        data[`${file}/${provider}`] = { ...row, bounded, runs, whole };
        rows.push([file, provider, row.windows, row.startMs, row.firstTokenMs, row.totalMs, row.peakHeapMb, row.wholeFileHeapMb, bounded]);
      }
    }
  } finally {
    await session.close();
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return {
    title: `Streaming summaries of 5 MB files (median of ${PASSES} passes; ollama = the protocol fake, answering at once)`,
    columns: ['file', 'provider', 'windows', 'summary_start ms', 'first token ms', 'total ms', 'peak heap added MB', 'file held whole MB', 'on a bounded thread'],
    rows,
    data,
    notes: [
      'peak heap added: heapUsed sampled every 5 ms during the stream, minus before it (garbage not yet collected included); file held whole: the same file read into a string and split into lines.',
      `on a bounded thread: the whole summary again, in a worker whose old generation is limited to ${BOUND_MB} MB (the index thread's smallest setting).`,
    ],
  };
}

if (require.main === module) runAlone(() => runSummaryBench());
