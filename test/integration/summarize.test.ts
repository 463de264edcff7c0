// `workspace-rag summarize` as a process, offline and through the real ollama/openai clients against the
// protocol fakes: the event sequence, a window failing mid-way, a path outside the folder.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SummaryEvent } from '../../src/protocol/events';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const KEY = 'sk-test-0123456789abcdef';

/** A spec long enough for several windows of a model's context: numbered requirements under headings. */
function spec(): string {
  const lines = ['# Billing service specification', ''];
  for (let s = 1; s <= 30; s++) {
    lines.push(`## ${s}. Invoices of region ${s}`, '');
    for (let r = 1; r <= 12; r++) lines.push(`Requirement ${s}.${r}: an invoice of region ${s} is issued within ${r} days and retried on failure.`);
    lines.push('');
  }
  return lines.join('\n');
}

interface RunResult { code: number | null; stdout: string; stderr: string }

describe('workspace-rag summarize (dist/cli.js as a process)', () => {
  let ollama: OllamaFake;
  let openai: OpenAIFake;
  let workspace: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    [ollama, openai] = await Promise.all([startOllamaFake(), startOpenAIFake({ apiKey: KEY })]);
    workspace = await makeWorkspace({ 'docs/spec.md': spec(), 'src/small.ts': 'export function add(a: number, b: number) {\n  return a + b;\n}\n' });
    env = { ...process.env, NO_COLOR: '1', OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
  });
  after(() => Promise.all([ollama.close(), openai.close()]));
  beforeEach(() => {
    ollama.requests.length = 0;
    openai.requests.length = 0;
    ollama.chatReplies.length = 0;
    openai.chatReplies.length = 0;
    ollama.defaultChat = { tokens: ['- Issues ', 'invoices ', 'per region.'] };
    openai.defaultChat = { tokens: ['- Issues ', 'invoices ', 'per region.'] };
  });

  function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'summarize', ...args, '--workspace', workspace], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const events = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as SummaryEvent);
  const textOf = (list: SummaryEvent[]) => list.map((e) => (e.type === 'token' ? e.text : '')).join('');

  it('offline: prints the outline with cited lines as it streams, then the sources, exit 0', async () => {
    const result = await run(['docs/spec.md', '--provider', 'offline']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Summarising docs\/spec\.md \(\d+ lines\) in \d+ windows? with offline · extractive/);
    assert.match(result.stdout, /\*\*Billing service specification\*\* \[1\]/);
    assert.match(result.stdout, /\nSources\n {2}\[1\] docs\/spec\.md:1-\d+\n/);
    assert.match(result.stdout, /offline · extractive · \d+ windows? · /);
  });

  it('--json prints only NDJSON events, summary_start first and summary_done last', async () => {
    const result = await run(['src/small.ts', '--provider', 'offline', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const list = events(result.stdout);
    assert.deepEqual(list.map((e) => e.type).filter((t, i, all) => all.indexOf(t) === i), ['summary_start', 'token', 'summary_progress', 'source', 'citation', 'summary_done']);
    const start = list[0];
    assert.ok(start.type === 'summary_start' && start.path === 'src/small.ts' && start.lines === 3 && start.windows === 1);
    assert.match(textOf(list), /- `export function add\(a: number, b: number\) \{` \[1\]/);
  });

  it('--provider ollama: each window is one /api/chat request with the summary so far, the parts streamed in order', async () => {
    const result = await run(['docs/spec.md', '--provider', 'ollama', '--ollama-host', ollama.url, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const list = events(result.stdout);
    const start = list[0];
    assert.ok(start.type === 'summary_start' && start.provider === 'ollama' && start.tokens !== null && start.windows >= 2, JSON.stringify(start));
    const requests = ollama.requestsTo('/api/chat');
    assert.equal(requests.length, start.windows);
    assert.match(requests[1].body.messages[0].content, /Summary so far:\n- Issues invoices per region\./);
    assert.match(requests[0].body.messages[0].content, /Requirement 1\.1: an invoice of region 1/);
    const text = textOf(list);
    assert.equal(text.match(/- Issues invoices per region\./g)?.length, start.windows);
    assert.match(text, /^\*\*Lines 1–\d+\*\* \[1\]\n\n- Issues/);
    assert.equal(list.at(-1)?.type, 'summary_done');
  });

  it('--provider openai: a window whose stream drops mid-way ends in error, the summary so far kept, exit 1', async () => {
    openai.chatReplies.push({ tokens: ['- First part.'] }, { tokens: ['- Second ', 'part ', 'cut'], dropAfter: 2 });
    const result = await run(['docs/spec.md', '--provider', 'openai', '--base-url', openai.baseURL, '--json'], { OPENAI_API_KEY: KEY });
    assert.equal(result.code, 1);
    const list = events(result.stdout);
    const last = list.at(-1)!;
    assert.ok(last.type === 'error' && last.stage === 'generation' && last.code === 'stream_interrupted', JSON.stringify(last));
    assert.match(textOf(list), /- First part\.\n\n\*\*Lines \d+–\d+\*\* \[2\]\n\n- Second part $/);
    assert.ok(!list.some((e) => e.type === 'summary_done'));
    assert.equal(openai.requestsTo('/v1/chat/completions').length, 2, 'no window after the failed one');
  });

  it('refuses a path outside the folder: exit 1, nothing read', async () => {
    const outside = path.join(await tempDir(), 'secret.txt');
    await fs.writeFile(outside, 'the launch codes');
    const result = await run([path.relative(workspace, outside), '--provider', 'offline', '--json']);
    assert.equal(result.code, 1);
    const [only, ...rest] = events(result.stdout);
    assert.equal(rest.length, 0);
    assert.ok(only.type === 'error' && only.code === 'path_not_allowed');
    assert.doesNotMatch(result.stdout + result.stderr, /launch codes/);
  });

  it('needs exactly one path', async () => {
    const result = await run([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /name one file to summarise/);
  });
});
