/**
 * The engine's own cost on top of the model, measured against local protocol fakes that answer
 * instantly (no retrieval: the retriever returns fixed sources at once):
 * - time to first token seen by the consumer of StreamingRag.events, minus the server's own time
 *   from receiving the request to writing the first token; median over many runs;
 * - throughput with a server sending 5,000 tokens/s: does the consumer receive them at that rate?
 *   And the most the pipeline takes when the server sends everything at once.
 * Run alone: `node --import tsx bench/providerBench.ts [--json]`.
 */
import * as os from 'node:os';
import { OllamaChat } from '../src/engine/providers/ollamaProvider';
import { OpenAIChat } from '../src/engine/providers/openaiProvider';
import type { AsyncStreamingLlm } from '../src/engine/strategies';
import { StreamingRag } from '../src/engine/streamingRag';
import { fixedRetriever, scriptedLlm, source } from '../test/helpers/engineFakes';
import { startOllamaFake } from '../test/helpers/ollamaFake';
import { startOpenAIFake } from '../test/helpers/openaiFake';
import type { ProtocolServer, RecordedRequest, StreamScript } from '../test/helpers/protocolServer';
import type { BenchSection } from './types';

const TTFT_TARGET_MS = 15;
const RATE = 5_000;
const SOURCES = [
  source('src/auth/session.ts', 'export const SESSION_TTL_MS = 60 * 60 * 1000;\nexport function validateSession(token: string) {}', 4),
  source('docs/architecture.md', '## Authentication\nUsers authenticate with a password; a session token is signed.', 5),
];
const QUESTION = 'how long does a session last?';

interface Options {
  /** Measured TTFT runs per provider (after warm-up). */
  runs?: number;
  warmup?: number;
  /** Tokens sent at RATE per provider. */
  paceTokens?: number;
  /** Tokens sent at once for the capacity run. */
  burstTokens?: number;
}

interface Fake {
  name: string;
  server: ProtocolServer & { defaultChat: StreamScript | object };
  llm: AsyncStreamingLlm;
  chatPath: string;
}

/** One question through the engine, timing the first token and every token as the consumer sees them. */
async function askOnce(rag: StreamingRag): Promise<{ started: number; tokenAt: number[] }> {
  const tokenAt: number[] = [];
  const started = performance.now();
  for await (const event of rag.events(QUESTION)) {
    if (event.type === 'token') tokenAt.push(performance.now());
    if (event.type === 'error') throw new Error(`${event.code}: ${event.message}`);
  }
  return { started, tokenAt };
}

function lastRequest(server: ProtocolServer, path: string): RecordedRequest {
  const request = server.requests.filter((r) => r.path === path).at(-1);
  if (!request || request.firstTokenAt === undefined) throw new Error(`the fake recorded no answer on ${path}`);
  return request;
}

interface TtftResult {
  consumerMs: number[];
  serverMs: number[];
  overheadMs: number[];
  requestLegMs: number[];
  responseLegMs: number[];
}

async function measureTtft(fake: Fake, runs: number, warmup: number): Promise<TtftResult> {
  fake.server.defaultChat = { tokens: ['Sessions ', 'last ', 'one hour ', '[1].'] };
  const rag = new StreamingRag({ retriever: fixedRetriever(SOURCES), llm: fake.llm });
  const result: TtftResult = { consumerMs: [], serverMs: [], overheadMs: [], requestLegMs: [], responseLegMs: [] };
  for (let i = 0; i < warmup + runs; i++) {
    const { started, tokenAt } = await askOnce(rag);
    const request = lastRequest(fake.server, fake.chatPath);
    fake.server.requests.length = 0;
    if (i < warmup) continue;
    const consumer = tokenAt[0] - started;
    const server = request.firstTokenAt! - request.receivedAt;
    result.consumerMs.push(consumer);
    result.serverMs.push(server);
    result.overheadMs.push(consumer - server);
    result.requestLegMs.push(request.receivedAt - started);
    result.responseLegMs.push(tokenAt[0] - request.firstTokenAt!);
  }
  return result;
}

interface ThroughputResult {
  tokens: number;
  sentPerSecond: number;
  receivedPerSecond: number;
  ratio: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  burstPerSecond: number;
}

async function measureThroughput(fake: Fake, paceTokens: number, burstTokens: number): Promise<ThroughputResult> {
  const rag = new StreamingRag({ retriever: fixedRetriever(SOURCES), llm: fake.llm });
  const tokens = Array.from({ length: paceTokens }, (_, i) => `w${i} `);
  fake.server.defaultChat = { tokens, tokensPerSecond: RATE };
  const { tokenAt } = await askOnce(rag);
  const sentAt = lastRequest(fake.server, fake.chatPath).tokenSentAt!;
  if (tokenAt.length !== paceTokens || sentAt.length !== paceTokens) throw new Error(`expected ${paceTokens} tokens, got ${tokenAt.length} of ${sentAt.length}`);
  const sentPerSecond = ((paceTokens - 1) * 1000) / (sentAt[paceTokens - 1] - sentAt[0]);
  const receivedPerSecond = ((paceTokens - 1) * 1000) / (tokenAt[paceTokens - 1] - tokenAt[0]);
  const lags = tokenAt.map((t, i) => t - sentAt[i]);

  // Capacity: everything sent at once; how fast does the pipeline drain it?
  fake.server.defaultChat = { tokens: Array.from({ length: burstTokens }, (_, i) => `w${i} `) };
  const burst = await askOnce(rag);
  const burstPerSecond = ((burstTokens - 1) * 1000) / (burst.tokenAt[burstTokens - 1] - burst.tokenAt[0]);
  fake.server.requests.length = 0;
  return {
    tokens: paceTokens, sentPerSecond, receivedPerSecond, ratio: receivedPerSecond / sentPerSecond,
    lagP50Ms: quantile(lags, 0.5), lagP99Ms: quantile(lags, 0.99), lagMaxMs: Math.max(...lags), burstPerSecond,
  };
}

/** The same question with an in-process model that answers at once: the engine's share of the TTFT. */
async function measureEngineAlone(runs: number, warmup: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const rag = new StreamingRag({ retriever: fixedRetriever(SOURCES), llm: scriptedLlm(['Sessions ', 'last ', 'one hour ', '[1].']) });
    const { started, tokenAt } = await askOnce(rag);
    if (i >= warmup) times.push(tokenAt[0] - started);
  }
  return times;
}

export async function runProviderBench(options: Options = {}): Promise<BenchSection> {
  const runs = options.runs ?? 300;
  const warmup = options.warmup ?? 30;
  const paceTokens = options.paceTokens ?? 10_000;
  const burstTokens = options.burstTokens ?? 20_000;
  const [ollama, openai] = await Promise.all([startOllamaFake(), startOpenAIFake()]);
  try {
    const fakes: Fake[] = [
      { name: 'Ollama (NDJSON)', server: ollama, llm: new OllamaChat({ host: ollama.url }), chatPath: '/api/chat' },
      { name: 'OpenAI (SSE)', server: openai, llm: new OpenAIChat({ baseURL: openai.baseURL }), chatPath: '/v1/chat/completions' },
    ];
    const engineAlone = await measureEngineAlone(runs, warmup);
    const ttft: TtftResult[] = [];
    const throughput: ThroughputResult[] = [];
    for (const fake of fakes) {
      ttft.push(await measureTtft(fake, runs, warmup));
      throughput.push(await measureThroughput(fake, paceTokens, burstTokens));
    }

    const ms = (v: number) => round(v, 2);
    const perFake = (f: (i: number) => string | number) => fakes.map((_, i) => f(i));
    const rows: (string | number)[][] = [
      ['TTFT seen by the consumer, median (ms)', ...perFake((i) => ms(quantile(ttft[i].consumerMs, 0.5)))],
      ["server's own time to first token, median (ms)", ...perFake((i) => ms(quantile(ttft[i].serverMs, 0.5)))],
      ['engine + client overhead, median (ms)', ...perFake((i) => ms(quantile(ttft[i].overheadMs, 0.5)))],
      ['engine + client overhead, p90 (ms)', ...perFake((i) => ms(quantile(ttft[i].overheadMs, 0.9)))],
      ['  of which: call to request received, median (ms)', ...perFake((i) => ms(quantile(ttft[i].requestLegMs, 0.5)))],
      ['  of which: first token written to consumer, median (ms)', ...perFake((i) => ms(quantile(ttft[i].responseLegMs, 0.5)))],
      [`tokens/s sent (target ${RATE})`, ...perFake((i) => Math.round(throughput[i].sentPerSecond))],
      ['tokens/s received by the consumer', ...perFake((i) => Math.round(throughput[i].receivedPerSecond))],
      ['received / sent', ...perFake((i) => round(throughput[i].ratio, 3))],
      ['token lag write → consumer, p50 / p99 / max (ms)', ...perFake((i) => `${ms(throughput[i].lagP50Ms)} / ${ms(throughput[i].lagP99Ms)} / ${ms(throughput[i].lagMaxMs)}`)],
      [`tokens/s drained when ${burstTokens.toLocaleString('en-US')} are sent at once`, ...perFake((i) => Math.round(throughput[i].burstPerSecond))],
    ];
    const worstOverhead = Math.max(...ttft.map((t) => quantile(t.overheadMs, 0.5)));
    const worstRatio = Math.min(...throughput.map((t) => t.ratio));
    const notes = [
      `Engine alone (in-process model, no HTTP): median TTFT ${ms(quantile(engineAlone, 0.5))} ms (prompt building and token counting included).`,
      `TTFT overhead target < ${TTFT_TARGET_MS} ms: ${worstOverhead < TTFT_TARGET_MS ? 'met' : 'MISSED'} (worst median ${ms(worstOverhead)} ms; ${runs} runs per provider after ${warmup} warm-up runs, keep-alive connection).`,
      `Throughput at ${RATE} tokens/s: ${worstRatio >= 0.98 ? 'the consumer keeps up' : 'the consumer FALLS BEHIND'} (worst received/sent ${round(worstRatio, 3)} over ${paceTokens.toLocaleString('en-US')} tokens).`,
      `Server and consumer share one process and event loop; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    ];
    return {
      title: 'Providers: engine overhead on top of the model (local protocol fakes)',
      columns: ['measurement', ...fakes.map((f) => f.name)],
      rows,
      notes,
      data: {
        runs, warmup, rate: RATE, paceTokens, burstTokens,
        engineAloneTtftMedianMs: quantile(engineAlone, 0.5),
        providers: Object.fromEntries(fakes.map((f, i) => [f.name, {
          ttftConsumerMedianMs: quantile(ttft[i].consumerMs, 0.5),
          ttftServerMedianMs: quantile(ttft[i].serverMs, 0.5),
          overheadMedianMs: quantile(ttft[i].overheadMs, 0.5),
          overheadP90Ms: quantile(ttft[i].overheadMs, 0.9),
          requestLegMedianMs: quantile(ttft[i].requestLegMs, 0.5),
          responseLegMedianMs: quantile(ttft[i].responseLegMs, 0.5),
          ...throughput[i],
        }])),
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
      },
    };
  } finally {
    await Promise.all([ollama.close(), openai.close()]);
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The section as a plain-text table with its notes. */
export function formatSection(section: BenchSection): string {
  const table = [section.columns, ...section.rows.map((r) => r.map(String))];
  const widths = section.columns.map((_, c) => Math.max(...table.map((r) => String(r[c] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  return [section.title, '', line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line), '', ...(section.notes ?? [])].join('\n');
}

if (require.main === module) {
  runProviderBench().then(
    (section) => process.stdout.write((process.argv.includes('--json') ? JSON.stringify(section, null, 2) : formatSection(section)) + '\n'),
    (err: unknown) => {
      process.stderr.write(`provider bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
