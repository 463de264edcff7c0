/**
 * What one extra search (progressive context) costs on top of the model: the same question answered by
 * protocol fakes that answer at once, without and with one `search` tool call, through the real clients and
 * an answer session over a small in-process index. The difference of the medians is the tool round: the
 * model's call parsed, the search, its passages packed, and the second request to the model.
 * Run alone: `node --import tsx bench/progressiveBench.ts`.
 */
import { WorkspaceIndex } from '../src/engine/indexing/workspaceIndex';
import type { AnswerSession } from '../src/engine/session/answerSession';
import { startOllamaFake } from '../test/helpers/ollamaFake';
import { startOpenAIFake } from '../test/helpers/openaiFake';
import type { Reply } from '../test/helpers/protocolServer';
import { sessionOver } from '../test/helpers/session';
import { SAMPLE_PROJECT, makeWorkspace, tempDir } from '../test/helpers/workspace';
import type { BenchSection } from './types';
import { runAlone } from './runAlone';

const QUESTION = 'how long does a session last?';
const ANSWER = { tokens: ['Sessions ', 'last ', 'one hour ', '[1].'] };
const SEARCH: Reply = { tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'rate limiting requests per minute' } }] };

async function answerMs(session: AnswerSession): Promise<{ ms: number; waves: number }> {
  const started = performance.now();
  let waves = 0;
  for await (const event of session.ask(QUESTION)) {
    if (event.type === 'context_update') waves++;
    if (event.type === 'error') throw new Error(`${event.code}: ${event.message}`);
  }
  return { ms: performance.now() - started, waves };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runProgressiveBench(options: { runs?: number; warmup?: number } = {}): Promise<BenchSection> {
  const runs = options.runs ?? 40;
  const warmup = options.warmup ?? 5;
  const index = await WorkspaceIndex.open({ root: await makeWorkspace(SAMPLE_PROJECT), indexDir: await tempDir() });
  await index.sync();
  const openai = await startOpenAIFake();
  const ollama = await startOllamaFake();
  const fakes = [
    { name: 'OpenAI SSE', replies: openai.chatReplies, session: sessionOver(index, { choice: 'openai', openai: { baseURL: openai.baseURL } }) },
    { name: 'Ollama NDJSON', replies: ollama.chatReplies, session: sessionOver(index, { choice: 'ollama', ollama: { host: ollama.url } }) },
  ];
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const fake of fakes) {
      const plain: number[] = [];
      const searched: number[] = [];
      // Interleaved, so a busy moment of the machine weighs on both alike.
      for (let i = 0; i < warmup + runs; i++) {
        fake.replies.push(ANSWER);
        const a = await answerMs(fake.session);
        fake.replies.push(SEARCH, ANSWER);
        const b = await answerMs(fake.session);
        if (b.waves !== 1 || a.waves !== 0) throw new Error(`expected 0 and 1 waves, got ${a.waves} and ${b.waves}`);
        if (i >= warmup) {
          plain.push(a.ms);
          searched.push(b.ms);
        }
      }
      const [p, s] = [median(plain), median(searched)];
      rows.push([fake.name, p.toFixed(1), s.toFixed(1), (s - p).toFixed(1)]);
      data[fake.name] = { runs, plainMedianMs: p, oneSearchMedianMs: s, toolRoundMs: s - p };
    }
  } finally {
    await openai.close();
    await ollama.close();
    await index.close();
  }
  return {
    title: 'Progressive context: the cost of one extra search (instant protocol fakes, small index)',
    columns: ['wire format', 'answer, ms (median)', 'with one search, ms (median)', 'tool round, ms'],
    rows,
    data,
    notes: [`${runs} runs each after ${warmup} warm-up runs, interleaved; the model's own time is not included.`],
  };
}

if (require.main === module) runAlone(() => runProgressiveBench());
