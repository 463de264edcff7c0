import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RagEvent } from '../../src/protocol/events';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

interface RunResult { code: number | null; stdout: string; stderr: string }

/** Where `auto` finds no Ollama (a closed port, set in `before`) and no OpenAI settings, whatever runs on this machine. */
const NO_PROVIDERS: NodeJS.ProcessEnv = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...NO_PROVIDERS, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = start(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function parseLines(stdout: string): RagEvent[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as RagEvent);
}

describe('workspace-rag CLI (built dist/cli.js as a process)', () => {
  let workspace: string;
  let indexDir: string;
  let cache: string;
  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    workspace = await makeWorkspace(SAMPLE_PROJECT);
    indexDir = path.join(await tempDir(), 'index');
    cache = await tempDir('rag-cache-');
    NO_PROVIDERS.OLLAMA_HOST = `http://127.0.0.1:${await closedPort()}`;
  });

  it('index --json prints one summary object and respects .gitignore and default excludes', async () => {
    const result = await run(['index', '--workspace', workspace, '--index-dir', indexDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(summary).sort(), ['chunks', 'dimensions', 'embedder', 'files', 'indexedFiles', 'ms', 'redacted', 'removedFiles', 'skipped']);
    assert.equal(summary.files, 4, 'session.ts, pool.ts, architecture.md, .gitignore');
    assert.equal(summary.indexedFiles, 4);
    assert.ok(summary.chunks >= 3);
    assert.ok(summary.skipped.ignored >= 3, 'secrets/, debug.log and node_modules/ are ignored');
    const again = JSON.parse((await run(['index', '--workspace', workspace, '--index-dir', indexDir, '--json'])).stdout);
    assert.equal(again.indexedFiles, 0, 'nothing changed, nothing re-read');
  });

  it('index --json --events prints each file\'s stages as NDJSON, then done with the summary; --events alone is a usage error', async () => {
    const fresh = path.join(await tempDir(), 'index');
    const result = await run(['index', '--workspace', workspace, '--index-dir', fresh, '--json', '--events']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; path?: string; stage?: string; chunks?: number; ms?: number; files?: number });
    const done = lines.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal(done.files, 4);
    const stages = lines.filter((l) => l.type === 'file_stage');
    const files = [...new Set(stages.map((l) => l.path))].sort();
    assert.deepEqual(files, ['.gitignore', 'docs/architecture.md', 'src/auth/session.ts', 'src/db/pool.ts']);
    for (const file of files) {
      assert.deepEqual(stages.filter((l) => l.path === file).map((l) => l.stage), ['read', 'chunked', 'embedded', 'stored'], file);
    }
    assert.ok(stages.every((l) => typeof l.chunks === 'number' && typeof l.ms === 'number'));
    const unchanged = await run(['index', '--workspace', workspace, '--index-dir', fresh, '--json', '--events']);
    assert.deepEqual(unchanged.stdout.trim().split('\n').map((line) => JSON.parse(line).type), ['done'], 'nothing changed: no file events');
    const alone = await run(['index', '--workspace', workspace, '--index-dir', fresh, '--events']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--events needs --json/);
  });

  it('search --json prints the best passages as {path, startLine, endLine, score}, best first', async () => {
    const result = await run(['search', 'how does authentication work', '--workspace', workspace, '--index-dir', indexDir, '--k', '2', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { path: string; startLine: number; endLine: number; score: number }[];
    assert.equal(rows.length, 2);
    for (const row of rows) assert.deepEqual(Object.keys(row), ['path', 'startLine', 'endLine', 'score']);
    assert.ok(rows[0].score >= rows[1].score);
    assert.ok(rows.some((r) => r.path === 'src/auth/session.ts'));
    assert.ok(!rows.some((r) => r.path.startsWith('secrets/') || r.path.startsWith('node_modules/')));
  });

  it('ask --json prints only NDJSON events: sources first, then the offline answer citing real lines', async () => {
    const result = await run(['ask', 'how long does a session last?', '--workspace', workspace, '--index-dir', indexDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const events = parseLines(result.stdout);
    assert.equal(events[0].type, 'retrieval_start');
    assert.equal(events.at(-1)!.type, 'generation_done');
    const firstToken = events.findIndex((e) => e.type === 'token');
    const sources = events.filter((e) => e.type === 'source');
    assert.ok(sources.length > 0);
    assert.ok(events.findLastIndex((e) => e.type === 'source') < firstToken, 'every source precedes the first token');
    const start = events.find((e) => e.type === 'generation_start');
    assert.ok(start?.type === 'generation_start' && start.provider === 'offline' && start.strategy === 'simulated');
    const answer = events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join('');
    assert.match(answer.split('\n')[0], /No language model is configured/);
    // The lead passage: where it is, with its citation, then its code lines exactly as in the file.
    const lead = /\n\*\*(.+?)\*\* \(lines? (\d+)(?:-(\d+))?\) \[(\d+)\]:\n\n```\w*\n([^]*?)\n```/.exec(answer);
    assert.ok(lead, answer);
    const [, leadPath, first, last, n, code] = lead;
    const src = sources.find((s) => s.type === 'source' && s.index === Number(n));
    assert.ok(src?.type === 'source' && src.path === leadPath);
    const fileLines = (await fs.readFile(path.join(workspace, src.path), 'utf8')).split('\n');
    const quoted = fileLines.slice(Number(first) - 1, Number(last ?? first)).filter((l) => l.trim() !== '');
    assert.deepEqual(code.split('\n'), quoted, `lines ${first}-${last} of ${src.path} are quoted exactly`);
    assert.match(code, /Sessions last one hour/);
    assert.ok(events.some((e) => e.type === 'citation' && e.valid && e.index === Number(n)));
  });

  it('ask prints sources, the answer and the cited sources for people', async () => {
    const result = await run(['ask', 'what is the rate limit?', '--workspace', workspace, '--index-dir', indexDir]);
    assert.equal(result.code, 0, result.stderr);
    const sourcesAt = result.stdout.indexOf('Sources\n  [1] ');
    const answerAt = result.stdout.indexOf('No language model is configured');
    const citedAt = result.stdout.indexOf('\nCited\n  [');
    assert.ok(sourcesAt === 0 && answerAt > sourcesAt && citedAt > answerAt, result.stdout);
    assert.match(result.stdout, /100 requests per minute/);
    assert.match(result.stdout, /offline · extractive · first token (\d+ ms|\d+\.\d s) · (\d+ ms|\d+\.\d s)/, 'durations over a second (a busy machine) read in seconds');
    assert.match(result.stdout, /\n  \[1\] docs\/architecture\.md:\d+-\d+  [\d.]+\n {6}Rate limiting\n {6}Each client may send 100 requests/,
      'each source shows the lines that match, heading markers stripped');
  });

  it('search prints each passage with the lines that match the question', async () => {
    const result = await run(['search', 'how long does a session last?', '--workspace', workspace, '--index-dir', indexDir, '--k', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^1\. src\/auth\/session\.ts:\d+-\d+  [\d.]+\n {3}\/\*\* Sessions last one hour; after that the user must log in again\. \*\/\n/);
    assert.doesNotMatch(result.stdout, /import \{ sign, verify \}/, 'not the first line, the matching one');
  });

  it('indexes first when there is no index, into a cache folder outside the workspace by default', async () => {
    const result = await run(['search', 'connection pool', '--workspace', workspace, '--json'], { XDG_CACHE_HOME: cache });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout)[0].path, 'src/db/pool.ts');
    const created = await fs.readdir(path.join(cache, 'workspace-rag'));
    assert.equal(created.length, 1);
    assert.match(created[0], /^rag-ws-\w+-[0-9a-f]{12}$/);
    const inWorkspace = await fs.readdir(workspace);
    assert.deepEqual(inWorkspace.sort(), ['.gitignore', 'debug.log', 'docs', 'node_modules', 'secrets', 'src']);
  });

  for (const [name, args, pattern] of [
    ['an unknown flag', ['ask', 'q', '--bogus'], /unknown option '--bogus'/i],
    ['a missing question', ['ask'], /missing the question/],
    ['a folder that does not exist', ['search', 'q', '--workspace', '/no/such/folder'], /the folder '\/no\/such\/folder' does not exist/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a bad --k', ['search', 'q', '--k', 'many'], /--k must be a whole number/],
    ['an unknown provider', ['ask', 'q', '--provider', 'skynet'], /--provider must be one of/],
  ] as const) {
    it(`exits 2 with one line on stderr for ${name}`, async () => {
      const result = await run([...args]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    });
  }

  it('prints help for each command with exit code 0', async () => {
    for (const command of ['index', 'search', 'ask']) {
      const result = await run([command, '--help']);
      assert.equal(result.code, 0);
      assert.match(result.stdout, new RegExp(`^Usage: workspace-rag ${command}`));
    }
    const main = await run(['--help']);
    assert.match(main.stdout, /workspace-rag ask +"QUESTION"/);
  });

  it('exits 1 with a clear message when the index cannot be written', async () => {
    const blocker = path.join(await tempDir(), 'a-file');
    await fs.writeFile(blocker, 'not a folder');
    const result = await run(['index', '--workspace', workspace, '--index-dir', path.join(blocker, 'index')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^workspace-rag: .*(ENOTDIR|not a directory)/);
  });

  it('stops on Ctrl-C mid-answer: a final cancelled event and exit code 130', async () => {
    const child = start(['ask', 'authentication password session token signed server', '--workspace', workspace, '--index-dir', indexDir, '--json']);
    let stdout = '';
    let interrupted = false;
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (!interrupted && stdout.includes('"type":"token"')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130);
    const events = parseLines(stdout);
    const last = events.at(-1)!;
    assert.ok(last.type === 'error' && last.code === 'cancelled', JSON.stringify(last));
    assert.ok(!events.some((e) => e.type === 'generation_done'));
  });
});
