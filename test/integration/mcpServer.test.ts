import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

interface Passage { path: string; startLine: number; endLine: number; score: number; text: string }

const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('workspace-rag mcp, driven by the MCP SDK\'s own client over stdio', () => {
  let workspace: string;
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';
  const transportErrors: Error[] = [];

  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    workspace = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = path.join(await tempDir(), 'index');
    // A library that logs to stdout while the server runs, as some do: its lines must not reach the protocol.
    const strayLogger = path.join(await tempDir(), 'stray-logger.js');
    await fs.writeFile(strayLogger, "setInterval(() => console.log('a stray log line from a library'), 200).unref();\n");
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', strayLogger, CLI, 'mcp', '--workspace', workspace, '--index-dir', indexDir],
      env: { OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, OPENAI_API_KEY: '', NO_COLOR: '1' },
      stderr: 'pipe',
    });
    transport.stderr!.on('data', (d) => { stderr += d; });
    client = new Client({ name: 'workspace-rag-test', version: '1.0.0' });
    // A line on stdout that is not JSON-RPC (a stray log) surfaces here, and fails the last test.
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
  });

  it('lists its tools with input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['index_status', 'reindex', 'search', 'summarize']);
    const search = tools.find((t) => t.name === 'search')!;
    assert.deepEqual(search.inputSchema.required, ['query']);
    assert.ok(search.inputSchema.properties && 'k' in search.inputSchema.properties && 'paths' in search.inputSchema.properties);
    assert.ok(search.outputSchema?.properties && 'results' in search.outputSchema.properties);
    assert.match(search.description ?? '', /code and documentation/);
    assert.equal(search.annotations?.readOnlyHint, true);
  });

  it('search finds the file that answers, as structured content and as numbered passages', async () => {
    const result = await client.callTool({ name: 'search', arguments: { query: 'how long does a session last before the user must log in again?', k: 3 } }) as CallToolResult;
    assert.notEqual(result.isError, true, textOf(result));
    const structured = result.structuredContent as { query: string; results: Passage[]; indexComplete: boolean };
    assert.equal(structured.results[0].path, 'src/auth/session.ts');
    assert.ok(structured.results.length <= 3);
    for (const r of structured.results) assert.deepEqual(Object.keys(r), ['path', 'startLine', 'endLine', 'score', 'text']);
    assert.match(structured.results[0].text, /SESSION_TTL_MS = 60 \* 60 \* 1000/);
    assert.ok(!structured.results.some((r) => r.path.startsWith('secrets/') || r.path.startsWith('node_modules/')), 'ignored files stay out');
    const text = textOf(result);
    assert.match(text, /^(.*\n\n)?\[1\] src\/auth\/session\.ts:\d+-\d+\n```/);
  });

  it('search narrows to path globs', async () => {
    const result = await client.callTool({ name: 'search', arguments: { query: 'authentication', paths: ['docs/**'] } }) as CallToolResult;
    const { results } = result.structuredContent as { results: Passage[] };
    assert.ok(results.length > 0);
    assert.ok(results.every((r) => r.path.startsWith('docs/')), JSON.stringify(results.map((r) => r.path)));
  });

  it('index_status tells what the index holds', async () => {
    const result = await client.callTool({ name: 'index_status', arguments: {} }) as CallToolResult;
    const status = result.structuredContent as { files: number; chunks: number; indexing: boolean; lastUpdated: string | null; folders: { root: string }[] };
    assert.equal(status.files, 4, 'session.ts, pool.ts, architecture.md, .gitignore');
    assert.ok(status.chunks >= 3);
    assert.ok(status.lastUpdated && !Number.isNaN(Date.parse(status.lastUpdated)));
    assert.equal(status.folders[0].root, workspace);
    assert.match(textOf(result), /^4 files, \d+ chunks, updated /);
  });

  it('a file written on disk is found after the folder watcher updates the index, and is gone once deleted', async () => {
    const file = path.join(workspace, 'src', 'billing', 'invoice.ts');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '// Invoices are rounded to the nearest zorkmid before the quarterly audit.\nexport const ZORKMID_ROUNDING = 0.05;\n');
    const paths = async () => ((await client.callTool({ name: 'search', arguments: { query: 'zorkmid rounding quarterly audit', k: 20 } })).structuredContent as { results: Passage[] }).results.map((r) => r.path);
    await until('the new file first in search results', async () => (await paths())[0] === 'src/billing/invoice.ts');
    await fs.rm(file);
    await until('the deleted file gone from search results', async () => !(await paths()).includes('src/billing/invoice.ts'));
  });

  it('reindex reports progress notifications while it runs and returns what it did', async () => {
    await fs.writeFile(path.join(workspace, 'docs', 'deploy.md'), '# Deploying\n\nRun the blue-green switch after the canary passes.\n');
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool({ name: 'reindex', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) }) as CallToolResult;
    assert.notEqual(result.isError, true, textOf(result));
    const summary = result.structuredContent as { files: number; indexedFiles: number };
    assert.equal(summary.files, 5);
    assert.ok(progress.length >= 2, JSON.stringify(progress));
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].progress > progress[i - 1].progress, 'progress grows with each notification');
    assert.ok(progress.some((p) => /Indexing \d+ of \d+ files/.test(p.message ?? '')), JSON.stringify(progress));
    assert.ok(progress.every((p) => p.total === undefined || p.progress < p.total), 'the result, not a notification, says the job is complete');
  });

  it('a bad argument is a tool error that says what is wrong', async () => {
    const tooMany = await client.callTool({ name: 'search', arguments: { query: 'sessions', k: 50 } }) as CallToolResult;
    assert.equal(tooMany.isError, true);
    assert.match(textOf(tooMany), /k/);
    assert.match(textOf(tooMany), /20/);
    const empty = await client.callTool({ name: 'search', arguments: { query: '   ' } }) as CallToolResult;
    assert.equal(empty.isError, true);
    assert.match(textOf(empty), /query must not be empty/);
  });

  it('summarize returns a file\'s summary with its cited line ranges; a path outside the folder is a tool error', async () => {
    const result = await client.callTool({ name: 'summarize', arguments: { path: 'src/auth/session.ts' } }) as CallToolResult;
    assert.ok(!result.isError, JSON.stringify(result.content));
    const summary = result.structuredContent as { path: string; summary: string; sources: { index: number; startLine: number; endLine: number }[]; provider: string };
    assert.equal(summary.path, 'src/auth/session.ts');
    assert.equal(summary.provider, 'offline');
    assert.ok(summary.sources.length > 0);
    assert.match(summary.summary, /`export const SESSION_TTL_MS = 60 \* 60 \* 1000;` \[\d\]/);
    const outside = await client.callTool({ name: 'summarize', arguments: { path: '../../etc/passwd' } }) as CallToolResult;
    assert.equal(outside.isError, true);
    assert.match((outside.content as { text: string }[])[0].text, /outside the workspace folders/);
  });

  it('wrote nothing but protocol messages on stdout, even with a library logging to it; its logs went to stderr', () => {
    // The SDK's client handles a notification a tick after a response read with it, and reports a progress
    // notification that arrived just before the result as unknown (typescript-sdk#2580): not a stdout problem.
    const late = /^Received a progress notification for an unknown token/;
    assert.deepEqual(transportErrors.map((e) => e.message).filter((m) => !late.test(m)), []);
    assert.match(stderr, /a stray log line from a library/, 'console.log output went to stderr');
    assert.match(stderr, /workspace-rag mcp: serving /);
    assert.match(stderr, /index up to date: 4 files/);
  });
});
