// Hardening: the OpenAI key comes from the environment (CLI) and goes nowhere else: not to stdout or
// stderr, not into any file the tool writes, not into events or error messages, even when the server
// quotes it back. A row of docs/reliability.md points here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const CANARY = 'sk-canary-7f3a9c1e5b2d4086-DO-NOT-LEAK';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', OLLAMA_HOST: 'http://127.0.0.1:9', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function filesContaining(root: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const bytes = await fs.readFile(file);
    if (bytes.includes(needle) || bytes.includes(Buffer.from(needle, 'utf16le'))) hits.push(file);
  }
  return hits;
}

describe('the API key never leaks (CLI against a protocol fake of OpenAI)', () => {
  let good: OpenAIFake;
  let rejecting: OpenAIFake;
  before(async () => {
    good = await startOpenAIFake({ apiKey: CANARY });
    rejecting = await startOpenAIFake({ apiKey: 'sk-some-other-key' });
  });
  after(async () => {
    await good.close();
    await rejecting.close();
  });

  it('used for answers and embeddings, and rejected by a server that quotes it: in no output, file, event or message', async () => {
    const workspace = await makeWorkspace(SAMPLE_PROJECT);
    const cache = await tempDir('rag-cache-');
    const env = { OPENAI_API_KEY: CANARY, XDG_CACHE_HOME: cache };
    const ok = await run(['ask', 'how long does a session last?', '--workspace', workspace, '--provider', 'openai', '--base-url', good.baseURL,
      '--embeddings', 'openai', '--json'], env);
    assert.equal(ok.code, 0, ok.output);
    assert.ok(good.requestsTo('/v1/embeddings').length > 0 && good.requestsTo('/v1/chat/completions').length === 1, 'the key was really used');
    const refused = await run(['ask', 'how long does a session last?', '--workspace', workspace, '--provider', 'openai', '--base-url', rejecting.baseURL, '--json'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.output, /"code":"unauthorized"/);
    for (const output of [ok.output, refused.output]) assert.ok(!output.includes(CANARY) && !output.includes('7f3a9c1e5b2d4086'), output);
    assert.deepEqual(await filesContaining(cache, CANARY), [], 'the index and everything else written');
    assert.deepEqual(await filesContaining(workspace, CANARY), [], 'nothing written into the workspace');
  });
});
