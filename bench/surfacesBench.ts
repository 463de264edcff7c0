/**
 * What the agent surfaces add to the engine's own time, at 50,000 chunks: a search through the MCP server
 * (`workspace-rag mcp`, driven by the SDK's client over stdio) and an answer through the HTTP API
 * (`workspace-rag serve`: time to the first event and to the first token), each against the same call on
 * an answer session in this process (the built dist/engine.js over the same index). Calls alternate
 * between the two, query by query, so the machine's load weighs on both alike; the answers come from the
 * Ollama protocol fake, which answers at once. Run alone: `node --import tsx bench/surfacesBench.ts [--json]`
 * (after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn } from 'node:child_process';
import type { AnswerSession as AnswerSessionType } from '../src/engine/session/answerSession';
import type { RagEvent } from '../src/protocol/events';
import { startOllamaFake } from '../test/helpers/ollamaFake';
import { readSse } from '../test/helpers/sse';
import { CORPUS_DIR, CORPUS_ROOT, ensureCorpus } from './corpus';
import { QUERIES, chunksPerPackage, select } from './indexingBench';
import { percentile, round } from './scenarioTools';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const TARGET_CHUNKS = 50_000;
/** What a surface may add to the engine's own time, median. */
const OVERHEAD_TARGET_MS = 5;
const PASSES = 3;
const WARMUP = 5;
const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AnswerSession } = require(path.join(ROOT, 'dist', 'engine.js')) as { AnswerSession: typeof AnswerSessionType };

/** The packages that make about 50,000 chunks, copied into a folder of their own: a workspace the servers can open. */
async function corpusWorkspace(log: (line: string) => void): Promise<string> {
  ensureCorpus();
  const dir = path.join(CORPUS_DIR, 'surfaces-50k');
  if (existsSync(path.join(dir, '.selected.json'))) return dir;
  log('Selecting corpus packages for 50,000 chunks…');
  const { include } = select(await chunksPerPackage(), TARGET_CHUNKS);
  await fs.rm(dir, { recursive: true, force: true });
  for (const glob of include) {
    const name = glob.replace(/\/\*\*$/, '');
    await fs.cp(path.join(CORPUS_ROOT, name), path.join(dir, name), { recursive: true });
  }
  await fs.writeFile(path.join(dir, '.selected.json'), JSON.stringify(include));
  return dir;
}

interface Paired { direct: number[]; surface: number[] }
interface AskTimes { firstEvent: number; firstToken: number }

function summary(pair: Paired) {
  const diffs = pair.direct.map((d, i) => pair.surface[i] - d);
  return {
    directP50: round(percentile(pair.direct, 50)), directP95: round(percentile(pair.direct, 95)),
    surfaceP50: round(percentile(pair.surface, 50)), surfaceP95: round(percentile(pair.surface, 95)),
    addedP50: round(percentile(diffs, 50)), addedP95: round(percentile(diffs, 95)), runs: diffs.length,
  };
}

/** Runs `direct` then `surface` for each query, PASSES times after WARMUP queries; returns their times. */
async function alternate(direct: (q: string) => Promise<number>, surface: (q: string) => Promise<number>): Promise<Paired> {
  for (const q of QUERIES.slice(0, WARMUP)) {
    await direct(q);
    await surface(q);
  }
  const pair: Paired = { direct: [], surface: [] };
  for (let pass = 0; pass < PASSES; pass++) {
    for (const q of QUERIES) {
      pair.direct.push(await direct(q));
      pair.surface.push(await surface(q));
    }
  }
  return pair;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function measureMcp(session: AnswerSessionType, workspace: string, indexDir: string): Promise<Paired> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--workspace', workspace, '--index-dir', indexDir], stderr: 'ignore' });
  const client = new Client({ name: 'surfaces-bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    await until('the MCP server\'s index', async () => {
      const status = (await client.callTool({ name: 'index_status', arguments: {} })).structuredContent as { indexing: boolean; chunks: number };
      return !status.indexing && status.chunks > 0;
    });
    return await alternate(
      (q) => timed(() => session.search(q, { k: 8 })),
      (q) => timed(async () => {
        const result = await client.callTool({ name: 'search', arguments: { query: q, k: 8 } });
        if (result.isError) throw new Error(JSON.stringify(result.content));
      }),
    );
  } finally {
    await client.close();
  }
}

async function measureHttp(session: AnswerSessionType, workspace: string, indexDir: string, ollamaUrl: string): Promise<{ firstEvent: Paired; firstToken: Paired; floor: number[] }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace, '--index-dir', indexDir, '--port', '0', '--provider', 'ollama', '--ollama-host', ollamaUrl],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        stderr += d;
        const match = /serving .* at (http:\/\/\S+\/)/.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    await until('the HTTP server\'s index', async () => {
      const health = await (await fetch(new URL('v1/health', url))).json() as { index: { indexing: boolean; chunks: number } };
      return !health.index.indexing && health.index.chunks > 0;
    });
    const direct = async (q: string): Promise<AskTimes> => {
      const started = performance.now();
      const times = { firstEvent: 0, firstToken: 0 };
      for await (const event of session.ask(q)) {
        times.firstEvent ||= performance.now() - started;
        if (event.type === 'token') times.firstToken ||= performance.now() - started;
        if (event.type === 'error') throw new Error(event.message);
      }
      return times;
    };
    const bare = await startBareServer();
    const floor: number[] = [];
    const results = { direct: [] as AskTimes[], surface: [] as AskTimes[] };
    try {
      await alternate(
        async (q) => { results.direct.push(await direct(q)); return 0; },
        async (q) => {
          results.surface.push(await sseTimes(new URL('v1/ask', url), { question: q }));
          floor.push((await sseTimes(bare.url, { question: q })).firstEvent);
          return 0;
        },
      );
    } finally {
      bare.stop();
    }
    const measured = (list: AskTimes[]) => list.slice(WARMUP);
    const pick = (key: keyof AskTimes): Paired => ({ direct: measured(results.direct).map((t) => t[key]), surface: measured(results.surface).map((t) => t[key]) });
    return { firstEvent: pick('firstEvent'), firstToken: pick('firstToken'), floor: floor.slice(WARMUP) };
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * The floor under any HTTP surface on this machine at this moment: a bare Node server in its own process
 * that answers each POST with one event at once. Timed in the same loop as the API, it shows how much of
 * what the API adds is the HTTP round trip between two processes itself.
 */
async function startBareServer(): Promise<{ url: string; stop(): void }> {
  const script = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end('event: x\\ndata: {}\\n\\n'); }); })
    .listen(0, '127.0.0.1', function () { process.stderr.write('at http://127.0.0.1:' + this.address().port + '/\\n'); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve) => child.stderr!.on('data', (d) => { const m = /at (http:\S+)/.exec(String(d)); if (m) resolve(m[1]); }));
  return { url, stop: () => child.kill() };
}

/** Time from the request to the first event of an SSE answer from `url`, and to its first token. */
async function sseTimes(url: string | URL, body: unknown): Promise<AskTimes> {
  const started = performance.now();
  const times = { firstEvent: 0, firstToken: 0 };
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for await (const frame of readSse(response.body!)) {
    if (!frame.event) continue;
    times.firstEvent ||= frame.at - started;
    if (frame.event === 'token') times.firstToken ||= frame.at - started;
    if (frame.event === 'error') throw new Error((JSON.parse(frame.data) as RagEvent & { message: string }).message);
  }
  return times;
}

export async function runSurfacesBench(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BenchSection> {
  const workspace = await corpusWorkspace(log);
  const indexDir = path.join(CORPUS_DIR, 'surfaces-index');
  log('Indexing the 50,000-chunk workspace (once; later runs only check it)…');
  const indexed = JSON.parse(execFileSync(process.execPath, [CLI, 'index', '--workspace', workspace, '--index-dir', indexDir, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { files: number; chunks: number };
  const fake = await startOllamaFake();
  fake.defaultChat = { tokens: ['Sessions ', 'last ', 'one hour ', '[1].'] };
  const session = new AnswerSession({
    folders: [{ name: path.basename(workspace), root: workspace, indexDir }],
    providers: { choice: 'ollama', ollama: { host: fake.url, model: 'llama3.2' } },
  });
  try {
    log('MCP: search round trips…');
    const mcp = summary(await measureMcp(session, workspace, indexDir));
    log('HTTP: answers…');
    const http = await measureHttp(session, workspace, indexDir, fake.url);
    const firstEvent = summary(http.firstEvent);
    const firstToken = summary(http.firstToken);
    const floorP50 = round(percentile(http.floor, 50));
    const row = (name: string, s: ReturnType<typeof summary>): (string | number)[] =>
      [name, `${s.directP50} / ${s.directP95}`, `${s.surfaceP50} / ${s.surfaceP95}`, `${s.addedP50} / ${s.addedP95}`];
    const worst = Math.max(mcp.addedP50, firstEvent.addedP50, firstToken.addedP50);
    return {
      title: `Agent surfaces: what MCP and HTTP add to the engine, ${indexed.chunks.toLocaleString('en-US')} chunks`,
      columns: ['measure (ms, p50 / p95)', 'engine in-process', 'through the surface', 'added (paired)'],
      rows: [
        row('search: MCP tools/call round trip (stdio)', mcp),
        row('answer: HTTP time to first event (SSE)', firstEvent),
        row('answer: HTTP time to first token (SSE)', firstToken),
        ['for scale: a bare Node HTTP server, fetch to first event', '', `${floorP50} / ${round(percentile(http.floor, 95))}`, ''],
      ],
      notes: [
        `Surfaces must add under ${OVERHEAD_TARGET_MS} ms p50: ${worst < OVERHEAD_TARGET_MS ? 'met' : 'MISSED'} (worst ${worst} ms). ${mcp.runs} calls each after ${WARMUP} warm-up queries, alternating with the in-process call.`,
        `A bare HTTP round trip between two processes, timed in the same loop, took ${floorP50} ms p50: the API's first event came ${round(firstEvent.surfaceP50 - floorP50)} ms p50 after it.`,
        `${indexed.files.toLocaleString('en-US')} files, ${indexed.chunks.toLocaleString('en-US')} chunks; answers from the Ollama protocol fake (instant); ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      ],
      data: { chunks: indexed.chunks, files: indexed.files, mcpSearch: mcp, httpFirstEvent: firstEvent, httpFirstToken: firstToken, bareHttpFirstEventP50: floorP50 },
    };
  } finally {
    await session.close();
    await fake.close();
  }
}

if (require.main === module) runAlone(() => runSurfacesBench());
