// Hardening inside the real extension host: links that leave the workspace, and the OpenAI key, which must
// live only in SecretStorage (never in settings, logs, the index, events or error messages).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, askChat, extensionLogFile, waitFor, workspaceRoot } from './helpers';
import { suite, suiteSetup, suiteTeardown, test } from './tdd';

const CANARY = 'sk-canary-e2e-91c4d7a2f06b-DO-NOT-LEAK';

interface Api {
  setApiKey(key: string | undefined): Promise<void>;
  storagePath: string;
}

interface RagResult extends vscode.ChatResult {
  metadata: { provider?: string; error?: string };
}

/**
 * A protocol fake of OpenAI's chat completions (SSE) and embeddings that checks the key and, like OpenAI,
 * quotes a wrong one back.
 */
function startOpenAIFake(): Promise<{ url: string; close: () => void; keys: string[]; embedKeys: string[] }> {
  const keys: string[] = [];
  const embedKeys: string[] = [];
  const server = http.createServer(async (req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    let body = '';
    for await (const chunk of req) body += chunk;
    const embeddings = req.url?.endsWith('/embeddings');
    (embeddings ? embedKeys : keys).push(key);
    if (key !== CANARY) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    if (embeddings) {
      const input = JSON.parse(body).input as string[];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 1, total_tokens: 1 },
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: [1, text.length % 7, 2, 3] })) }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const text of ['The key ', 'was accepted ', '[1].']) {
      res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
    }
    res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${port}/v1`, close: () => server.close(), keys, embedKeys });
  }));
}

function filesContaining(root: string, needle: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join((e as fs.Dirent & { parentPath?: string }).parentPath ?? (e as unknown as { path: string }).path, e.name))
    .filter((file) => readIfThere(file)?.includes(needle));
}

/** A file's bytes; undefined for one removed since it was listed (an index save replaces its shard folders). */
function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

suite('Workspace RAG: hardening in the extension host', () => {
  let api: Api;
  suiteSetup(async () => {
    api = (await activate()).exports as Api;
  });

  test('a source link through a symbolic link leading out of the workspace is refused', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the workspace');
    const link = path.join(workspaceRoot().fsPath, 'escape-link');
    fs.symlinkSync(outside, link);
    try {
      assert.equal(await vscode.commands.executeCommand('workspaceRag.openSource', 'escape-link/secret.txt', 1, 1), false);
    } finally {
      fs.unlinkSync(link);
    }
  });

  suite('the OpenAI key', () => {
    let fake: Awaited<ReturnType<typeof startOpenAIFake>>;
    const config = () => vscode.workspace.getConfiguration('workspaceRag');
    suiteSetup(async () => {
      fake = await startOpenAIFake();
      await config().update('provider', 'openai', vscode.ConfigurationTarget.Workspace);
      await config().update('openai.baseUrl', fake.url, vscode.ConfigurationTarget.Workspace);
    });
    suiteTeardown(async () => {
      await config().update('provider', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('openai.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await api.setApiKey(undefined);
      fake.close();
    });

    test('answers with the key from SecretStorage, and a rejected key is reported without being shown', async () => {
      await api.setApiKey(CANARY);
      const ok = await askChat('@rag how long does a session last?') as RagResult;
      assert.equal(ok.metadata.provider, 'openai', JSON.stringify(ok));
      assert.ok(fake.keys.includes(CANARY), 'the key reached the server');
      await api.setApiKey(`${CANARY}-revoked`);
      const refused = await askChat('@rag how long does a session last?') as RagResult;
      assert.equal(refused.metadata.error, 'unauthorized');
      assert.ok(!JSON.stringify([ok, refused]).includes(CANARY), 'not in the chat results');
    });

    test('a key set while VS Code runs reaches the index at once: OpenAI embeddings work without a reload', async () => {
      await api.setApiKey(undefined);
      await config().update('embeddings', 'openai', vscode.ConfigurationTarget.Workspace);
      try {
        await waitFor('the index asking for embeddings, refused without the key', () => fake.embedKeys.length > 0, { timeout: 20_000 });
        assert.ok(!fake.embedKeys.includes(CANARY));
        await api.setApiKey(CANARY);
        await waitFor('embeddings requested with the new key', () => fake.embedKeys.includes(CANARY), { timeout: 20_000 });
      } finally {
        await config().update('embeddings', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    test('is in no setting, log, index or workspace file', async () => {
      const settings = JSON.stringify(vscode.workspace.getConfiguration('workspaceRag'));
      assert.ok(!settings.includes(CANARY), 'not in the settings');
      const log = extensionLogFile();
      assert.ok(log && !fs.readFileSync(log, 'utf8').includes(CANARY), 'not in the log');
      assert.deepEqual(filesContaining(api.storagePath, CANARY), [], 'not in the index or anything else stored');
      assert.deepEqual(filesContaining(workspaceRoot().fsPath, CANARY), [], 'not in the workspace (its .vscode/settings.json included)');
    });
  });
});
