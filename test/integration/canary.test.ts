// Secrets in the workspace never leave the machine: the CLI as a process on a workspace full of canary
// secrets (test/fixtures/canaryWorkspace.mjs), with the OpenAI and Ollama protocol fakes recording every
// request body. No canary in any prompt, embedding request, event, output line or index file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RagEvent, SourceEvent } from '../../src/protocol/events';
import type { IndexSummary } from '../../src/protocol/indexing';
import { canaryWorkspace } from '../fixtures/canaryWorkspace.mjs';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openaiFake';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir, writeFiles } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const QUESTIONS = ['what is the stripe key?', 'which password connects to the billing database?', 'aws access key id and secret access key', 'the deploy private key'];

interface Run { code: number | null; stdout: string; stderr: string }

describe('secrets never leave the machine (CLI on a canary workspace, against the OpenAI and Ollama fakes)', () => {
  let openai: OpenAIFake;
  let ollama: OllamaFake;
  let env: NodeJS.ProcessEnv;
  const { files, canaries, hiddenFile } = canaryWorkspace();

  before(async () => {
    await fs.access(CLI).catch(() => { throw new Error('dist/cli.js is missing: run `npm run build` first'); });
    [openai, ollama] = await Promise.all([startOpenAIFake(), startOllamaFake()]);
    env = { ...process.env, NO_COLOR: '1', OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', XDG_CACHE_HOME: await tempDir() };
  });
  after(() => Promise.all([openai.close(), ollama.close()]));

  function run(args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Every canary found in `text`, and every 12-character piece of one (a partial leak). */
  function leaked(text: string): string[] {
    return canaries.filter((canary) => text.includes(canary) || Array.from({ length: canary.length - 11 }, (_, i) => canary.slice(i, i + 12)).some((piece) => text.includes(piece)));
  }

  async function filesUnder(root: string): Promise<string> {
    let all = '';
    for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) all += (await fs.readFile(path.join(entry.parentPath, entry.name))).toString('latin1') + '\n';
    }
    return all;
  }

  const sources = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as RagEvent).filter((e): e is SourceEvent => e.type === 'source');

  it('index, search and ask show no secret; secret files and the folder of an unreadable ignore file stay out; search still finds config.ts', async () => {
    const workspace = await makeWorkspace(files);
    const indexDir = path.join(await tempDir(), 'index');
    const where = ['--workspace', workspace, '--index-dir', indexDir];
    const index = await run(['index', ...where, '--json']);
    assert.equal(index.code, 0, index.stderr);
    const summary = JSON.parse(index.stdout) as IndexSummary;
    assert.deepEqual([summary.skipped.secret, summary.skipped.unreadable, summary.redacted], [3, 1, 5], index.stdout);
    assert.match(index.stderr, /Left out the folder of vault\/\.ragignore: the file cannot be read/);
    const human = await run(['index', ...where]);
    assert.match(human.stdout, /Skipped: .*3 secret.*1 unreadable/);

    const search = await run(['search', 'stripe key', ...where, '--json']);
    assert.ok((JSON.parse(search.stdout) as { path: string }[]).some((row) => row.path === 'src/config.ts'), search.stdout);
    const searchText = await run(['search', 'stripe key', ...where]);
    const asked = await run(['ask', 'what is the stripe key?', ...where, '--provider', 'offline', '--json']);
    assert.equal(asked.code, 0, asked.stderr);
    const config = sources(asked.stdout).find((s) => s.path === 'src/config.ts');
    assert.match(config?.snippet ?? '', /export const stripeKey = "«redacted: stripe-key»";/);
    const everywhere = await Promise.all(QUESTIONS.map((q) => run(['ask', q, ...where, '--provider', 'offline', '--json'])));
    assert.ok(everywhere.every((r) => !sources(r.stdout).some((s) => s.path === hiddenFile || s.path === '.env' || s.path === 'id_rsa')));

    const printed = [index, human, search, searchText, asked, ...everywhere].map((r) => r.stdout + r.stderr).join('\n');
    assert.deepEqual(leaked(printed), []);
    assert.deepEqual(leaked(await filesUnder(indexDir)), []);
  });

  it('answers with OpenAI and Ollama: no secret in any prompt or embedding request they receive', async () => {
    const workspace = await makeWorkspace(files);
    const providers = [
      ['--provider', 'openai', '--base-url', openai.baseURL, '--embeddings', 'openai'],
      ['--provider', 'ollama', '--ollama-host', ollama.url, '--embeddings', 'ollama'],
    ];
    const outputs: string[] = [];
    for (const flags of providers) {
      const indexDir = path.join(await tempDir(), 'index');
      for (const question of QUESTIONS) {
        const result = await run(['ask', question, '--workspace', workspace, '--index-dir', indexDir, ...flags, '--json']);
        assert.equal(result.code, 0, result.stderr);
        outputs.push(result.stdout, result.stderr);
      }
      outputs.push(await filesUnder(indexDir));
    }
    const chats = [...openai.requestsTo('/v1/chat/completions'), ...ollama.requestsTo('/api/chat')].map((r) => JSON.stringify(r.body));
    const embeds = [...openai.requestsTo('/v1/embeddings'), ...ollama.requestsTo('/api/embed')].map((r) => JSON.stringify(r.body));
    assert.equal(chats.length, QUESTIONS.length * 2);
    assert.ok(embeds.length >= 4, 'the index was embedded remotely');
    // The passages that held secrets were sent, redacted.
    const prompts = chats.join('\n');
    for (const kind of ['stripe-key', 'url-password', 'aws-secret-key', 'private-key']) assert.ok(prompts.includes(`«redacted: ${kind}»`), kind);
    assert.deepEqual(leaked(prompts), []);
    assert.deepEqual(leaked(embeds.join('\n')), []);
    assert.deepEqual(leaked(outputs.join('\n')), []);
  });

  it('a .ragignore `!.env` re-includes .env, with its values still redacted', async () => {
    const workspace = await makeWorkspace(files);
    await writeFiles(workspace, { '.ragignore': '!.env\n' });
    const where = ['--workspace', workspace, '--index-dir', path.join(await tempDir(), 'index')];
    const index = await run(['index', ...where, '--json']);
    const summary = JSON.parse(index.stdout) as IndexSummary;
    assert.equal(summary.skipped.secret, 2, 'id_rsa and deploy.pem stay out');
    assert.equal(summary.redacted, 5 + 4, 'and the four values of .env are redacted');
    const asked = await run(['ask', 'DATABASE_URL OPENAI_API_KEY JWT_SECRET', ...where, '--provider', 'offline', '--json']);
    const env = sources(asked.stdout).find((s) => s.path === '.env');
    assert.ok(env, asked.stdout);
    assert.match(env.snippet, /DATABASE_URL=postgres:\/\/admin:«redacted: url-password»@db\.internal\.example:5432\/billing/);
    assert.match(env.snippet, /OPENAI_API_KEY=«redacted: api-key»/);
    // A snippet shows the few lines that match best: ask for the last value on its own.
    const jwt = await run(['ask', 'JWT_SECRET', ...where, '--provider', 'offline', '--json']);
    assert.match(sources(jwt.stdout).find((s) => s.path === '.env')?.snippet ?? jwt.stdout, /JWT_SECRET=«redacted: secret-value»/);
    assert.deepEqual(leaked(index.stdout + index.stderr + asked.stdout + asked.stderr + jwt.stdout + jwt.stderr), []);
  });
});
