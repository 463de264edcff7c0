// `--memory-limit` bounds everything the index holds: its heap and the packed vectors and postings
// outside it (chunk texts stay on disk). An index that needs more than the limit is reported clearly,
// and nothing saved is harmed; one whose texts alone are larger than the limit works.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { IndexClient } from '../../src/engine/indexing/worker/indexClient';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const WORKER = path.resolve(__dirname, '../../dist/indexWorker.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OLLAMA_HOST: ollamaHost }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let ollamaHost = '';

/** 260 modules of 400 distinct lines: about 35,000 chunks, over 20 MB of packed vectors, postings (twelve words of its own per line) and records. */
function generatedModules(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < 260; f++) {
    const lines: string[] = [];
    for (let l = 0; l < 400; l++) {
      // Twelve words found nowhere else: search terms of their own, so the postings outgrow the limit.
      const own = Array.from({ length: 12 }, (_, k) => word((f * 400 + l) * 12 + k)).join(' ');
      lines.push(`export const value${f}_${l} = compute${l % 97}(input${f}, "record ${f}-${l} of the generated module number ${f}: ${own}");`);
    }
    files[`src/m${f}.ts`] = `${lines.join('\n')}\n`;
  }
  return files;
}

/** A made-up word of letters for `n`, different for every `n`. */
function word(n: number): string {
  let out = 'q';
  do {
    out += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

/** Two of the words of line 17 of module 42, found nowhere else. */
const QUERY = `${word((42 * 400 + 17) * 12)} ${word((42 * 400 + 17) * 12 + 1)}`;

describe('--memory-limit covers everything the index holds', () => {
  let root: string;
  let indexDir: string;
  let packedMb: number;
  before(async () => {
    ollamaHost = `http://127.0.0.1:${await closedPort()}`;
    root = await makeWorkspace(generatedModules());
    indexDir = path.join(await tempDir(), 'index');
    const index = await WorkspaceIndex.open({ root, indexDir });
    await index.sync();
    packedMb = (index as unknown as { stored: { packedBytes: number } }).stored.packedBytes / 2 ** 20;
    assert.ok(packedMb > 20, `the packed arrays alone are ${packedMb.toFixed(1)} MB`);
  });

  it('an index whose vectors and search terms need more than the limit: search stops with a message that says what to do, and a higher limit answers', async () => {
    const limited = await run(['search', QUERY, '--workspace', root, '--index-dir', indexDir, '--memory-limit', '32', '--json']);
    assert.equal(limited.code, 1, limited.stderr);
    assert.match(limited.stderr, /The index needs more than its 32 MB memory limit: \d+ MB in use, of which (\d+) MB of vectors and search terms for 3\d,\d{3} chunks/);
    assert.ok(Number(/of which (\d+) MB/.exec(limited.stderr)![1]) >= 20, 'the arrays outside the heap are counted');
    assert.match(limited.stderr, /Raise the limit \(for example --memory-limit \d+ on the command line/);

    const roomy = await run(['search', QUERY, '--workspace', root, '--index-dir', indexDir, '--memory-limit', '256', '--json']);
    assert.equal(roomy.code, 0, roomy.stderr);
    assert.doesNotMatch(roomy.stderr, /damaged|repaired/);
    assert.equal(JSON.parse(roomy.stdout)[0].path, 'src/m42.ts');
  });

  it('indexing that outgrows the limit stops clearly and keeps what was saved; the next run with room finishes', async () => {
    const fresh = path.join(await tempDir(), 'index');
    const limited = await run(['index', '--workspace', root, '--index-dir', fresh, '--memory-limit', '32', '--json']);
    assert.equal(limited.code, 1);
    assert.match(limited.stderr, /more than its 32 MB memory limit/);
    assert.match(limited.stderr, /--memory-limit/);
    const roomy = await run(['index', '--workspace', root, '--index-dir', fresh, '--memory-limit', '256', '--json']);
    assert.equal(roomy.code, 0, roomy.stderr);
    assert.doesNotMatch(roomy.stderr, /damaged|repaired/);
    assert.equal(JSON.parse(roomy.stdout).files, 260);
  });

  it('an index whose texts alone are larger than the limit indexes and answers: texts stay on disk until a chunk is returned', async () => {
    const big: Record<string, string> = {};
    // 220 files of about 320 KB: 70 MB of text in chunks of up to 16,000 characters (a token is at least a byte: no tokenizer run).
    for (let f = 0; f < 220; f++) {
      const lines: string[] = [];
      for (let l = 0; lines.length < 4400; l++) lines.push(`The ledger${f} records a transfer between accounts ${l % 40} and ${(l * 7) % 40}, settled in vault ${l % 13} at noon.`);
      big[`ledgers/l${f}.txt`] = `${lines.join('\n')}\n`;
    }
    const bigRoot = await makeWorkspace(big);
    const textMb = Object.values(big).reduce((sum, text) => sum + text.length, 0) / 2 ** 20;
    assert.ok(textMb > 64, `the texts are ${textMb.toFixed(1)} MB`);
    const options = { root: bigRoot, indexDir: path.join(await tempDir(), 'index'), workerScript: WORKER, memoryLimitMb: 64, chunking: { targetChars: 16_000, maxTokens: 16_384 } };
    const index = await IndexClient.open(options);
    try {
      const summary = await index.sync();
      assert.equal(summary.files, 220);
    } finally {
      await index.close();
    }
    const reopened = await IndexClient.open(options);
    try {
      const [best] = await reopened.search('ledger123 transfer', { k: 3 });
      assert.equal(best.path, 'ledgers/l123.txt');
      assert.match(best.text, /The ledger123 records a transfer between accounts/);
    } finally {
      await reopened.close();
    }
  });

  it('rejects a limit too small to start', async () => {
    const result = await run(['index', '--workspace', root, '--memory-limit', '8']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--memory-limit must be a whole number of MB, at least 32, got '8'/);
  });
});
