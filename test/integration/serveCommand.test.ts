import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RagEvent } from '../../src/protocol/events';
import { closedPort } from '../helpers/protocolServer';
import { readSse } from '../helpers/sse';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

interface Served { child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }

describe('workspace-rag serve (built dist/cli.js as a process)', () => {
  let workspace: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  async function serve(args: string[]): Promise<Served> {
    const child = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace, '--index-dir', path.join(await tempDir(), 'index'), '--port', '0', ...args],
      { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        stderr += d;
        const match = /serving .* at (http:\/\/\S+\/)/.exec(stderr);
        if (match) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
    });
    return { child, url, stderr: () => stderr, exited };
  }

  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    workspace = await makeWorkspace(SAMPLE_PROJECT);
    env = { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, WORKSPACE_RAG_TOKEN: '' };
  });

  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('refuses to listen beyond loopback without a token, before binding anything', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace, '--host', '0.0.0.0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
    assert.match(stderr, /--token/);
  });

  it('serves the ask page and streams an offline answer; SIGTERM stops it cleanly', async () => {
    const served = await serve(['--provider', 'offline']);
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(served.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'nonce-[^']+'.*frame-ancestors 'none'/);
    const html = await page.text();
    assert.match(html, /<form id="ask-form">/);
    assert.match(html, /<script nonce="[^"]+">\n/);
    assert.doesNotMatch(html.slice(html.indexOf('<script nonce'), html.lastIndexOf('</script>')), /<\/script/i, 'the inline bundle cannot end its element early');

    const response = await fetch(new URL('v1/ask', served.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'what is the rate limit?' }) });
    const events: RagEvent[] = [];
    for await (const frame of readSse(response.body!)) if (frame.event) events.push(JSON.parse(frame.data));
    const start = events.find((e) => e.type === 'generation_start');
    assert.ok(start?.type === 'generation_start' && start.provider === 'offline');
    assert.equal(events.at(-1)!.type, 'generation_done');
    assert.match(events.map((e) => (e.type === 'token' ? e.text : '')).join(''), /100 requests per minute/);

    served.child.kill('SIGTERM');
    assert.equal(await served.exited, 0);
    assert.match(served.stderr(), /stopping/);
  });

  it('with --token, the page opens at /?token=… and the API takes the Bearer token', async () => {
    const served = await serve(['--provider', 'offline', '--token', 'tea-for-two']);
    assert.equal((await fetch(served.url)).status, 401);
    assert.equal((await fetch(`${served.url}?token=coffee`)).status, 401);
    assert.equal((await fetch(`${served.url}?token=tea-for-two`)).status, 200);
    assert.equal((await fetch(new URL('v1/health', served.url))).status, 401);
    assert.equal((await fetch(new URL(`v1/health?token=tea-for-two`, served.url))).status, 401, 'the query token opens the page only');
    assert.equal((await fetch(new URL('v1/health', served.url), { headers: { authorization: 'Bearer tea-for-two' } })).status, 200);
    served.child.kill('SIGTERM');
    await served.exited;
  });
});
