import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { INDEX_FORMAT_VERSION, readManifest, writeManifest } from '../../src/engine/store/manifest';
import { canaryWorkspace } from '../fixtures/canaryWorkspace.mjs';
import { makeWorkspace, tempDir, writeFiles } from '../helpers/workspace';

async function openIndex(root: string, indexDir: string) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir, shards: 4, onWarning: (w) => warnings.push(w) });
  return { index, warnings };
}

async function storedText(indexDir: string): Promise<string> {
  let all = '';
  for (const entry of await fs.readdir(indexDir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += (await fs.readFile(path.join(entry.parentPath, entry.name))).toString('latin1');
  }
  return all;
}

describe('WorkspaceIndex: secrets', () => {
  it('stores redacted text, counts secret files and redactions, and shows both in its state', async () => {
    const { files, canaries, hiddenFile } = canaryWorkspace();
    const root = await makeWorkspace(files);
    const indexDir = await tempDir();
    const { index, warnings } = await openIndex(root, indexDir);
    const summary = await index.sync();
    assert.equal(summary.skipped.secret, 3, '.env, id_rsa, deploy.pem');
    assert.equal(summary.skipped.unreadable, 1, 'the folder whose .ragignore cannot be read');
    assert.match(warnings.join('\n'), /vault\/\.ragignore/);
    assert.equal(summary.redacted, 5, 'the Stripe key, the AWS key pair, the README password, the pasted private key');
    assert.deepEqual(index.state.secrets, { skippedFiles: 3, redactedValues: 5 });
    const config = (await index.search('stripe key', { k: 3 })).find((s) => s.path === 'src/config.ts');
    assert.ok(config, 'config.ts is found by its other text');
    assert.match(config.text, /export const stripeKey = "«redacted: stripe-key»";/);
    assert.equal(config.startLine, 1);
    const paths = (await index.search('billing database password deploy key vault recovery phrase', { k: 20 })).map((s) => s.path);
    assert.ok(!paths.includes(hiddenFile) && !paths.includes('.env') && !paths.includes('id_rsa'), paths.join(', '));
    await index.close();
    const stored = await storedText(indexDir);
    for (const canary of canaries) assert.ok(!stored.includes(canary), `${canary} is in the index folder`);
    // Reopened, the count comes from the catalog.
    const reopened = await openIndex(root, indexDir);
    await reopened.index.sync();
    assert.equal(reopened.index.state.secrets?.redactedValues, 5);
  });

  it('the file watcher leaves out secret files and files under an unreadable ignore file, as a full run does', async () => {
    const root = await makeWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'keys/.gitignore/x': 'x' });
    const { index, warnings } = await openIndex(root, await tempDir());
    await index.sync();
    await writeFiles(root, { '.env': `TOKEN=${'x9'.repeat(12)}\n`, 'keys/token.ts': 'export const t = 1;\n' });
    const summary = await index.updateFiles(['.env', 'keys/token.ts'], []);
    assert.equal(summary.indexedFiles, 0);
    assert.equal(summary.skipped.secret, 1);
    assert.equal(summary.skipped.unreadable, 1);
    assert.match(warnings.join('\n'), /keys\/token\.ts: an ignore file above it cannot be read/);
    assert.equal(index.fileCount, 1);
  });

  it('rebuilds an index of the format before redaction, whose text may hold secrets in clear', async () => {
    const root = await makeWorkspace({ 'src/a.ts': 'export const a = 1;\n' });
    const indexDir = await tempDir();
    const first = await openIndex(root, indexDir);
    await first.index.sync();
    const manifest = (await readManifest(indexDir))!;
    await writeManifest(indexDir, { ...manifest, formatVersion: 1 });
    const { index, warnings } = await openIndex(root, indexDir);
    assert.ok(INDEX_FORMAT_VERSION >= 2);
    assert.match(warnings.join('\n'), new RegExp(`index format changed \\(1 → ${INDEX_FORMAT_VERSION}\\)`));
    assert.equal(index.fileCount, 0);
    assert.equal((await index.sync()).indexedFiles, 1);
  });
});
