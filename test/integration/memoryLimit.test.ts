// `--memory-limit` bounds everything the index holds: its heap and the packed texts, vectors and
// postings outside it. An index larger than the limit is reported clearly, and nothing saved is harmed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { closedPort } from '../helpers/protocolServer';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

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

/** 320 modules of 400 distinct lines: about 25,600 chunks, 22 MB of packed text, vectors (one byte per dimension) and postings. */
function generatedModules(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < 320; f++) {
    const lines: string[] = [];
    for (let l = 0; l < 400; l++) lines.push(`export const value${f}_${l} = compute${l % 97}(input${f}, "record ${f}-${l} of the generated module number ${f}");`);
    files[`src/m${f}.ts`] = `${lines.join('\n')}\n`;
  }
  return files;
}

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

  it('an index whose texts and vectors alone exceed the limit: search stops with a message that says what to do, and a higher limit answers', async () => {
    const limited = await run(['search', 'record 42-17 of the generated module', '--workspace', root, '--index-dir', indexDir, '--memory-limit', '32', '--json']);
    assert.equal(limited.code, 1, limited.stderr);
    assert.match(limited.stderr, /The index needs more than its 32 MB memory limit: \d+ MB in use, of which (\d+) MB of text, vectors and search terms for 25,\d{3} chunks/);
    assert.ok(Number(/of which (\d+) MB/.exec(limited.stderr)![1]) >= 20, 'the arrays outside the heap are counted');
    assert.match(limited.stderr, /Raise the limit \(for example --memory-limit \d+ on the command line/);

    const roomy = await run(['search', 'record 42-17 of the generated module', '--workspace', root, '--index-dir', indexDir, '--memory-limit', '256', '--json']);
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
    assert.equal(JSON.parse(roomy.stdout).files, 320);
  });

  it('rejects a limit too small to start', async () => {
    const result = await run(['index', '--workspace', root, '--memory-limit', '8']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--memory-limit must be a whole number of MB, at least 32, got '8'/);
  });
});
