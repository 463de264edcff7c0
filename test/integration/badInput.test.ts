// Hardening: what real workspaces contain. Each case is indexed or skipped with a counted reason; none
// crashes, hangs or stops the rest. Rows of docs/reliability.md point here.
import assert from 'node:assert/strict';
import { mkdirSync, promises as fs, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { makeWorkspace, tempDir } from '../helpers/workspace';
import { askAll, sessionOver } from '../helpers/session';

async function open(root: string) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir: await tempDir(), onWarning: (w) => warnings.push(w) });
  return { index, warnings };
}

const many = (count: number, body = (i: number) => `export const value${i} = ${i}; // module ${i}\n`) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`src/m${String(i).padStart(4, '0')}.ts`, body(i)]));

describe('bad input while indexing', () => {
  it('files deleted, renamed or turned into folders mid-run are skipped and counted; the rest is indexed', async () => {
    const root = await makeWorkspace(many(700));
    const { index } = await open(root);
    let tampered = false;
    const summary = await index.sync({
      onProgress: (p) => {
        if (tampered || p.phase !== 'indexing') return;
        tampered = true; // after the first batch, before the next is read: change files of later batches
        rmSync(path.join(root, 'src/m0400.ts'));
        renameSync(path.join(root, 'src/m0450.ts'), path.join(root, 'src/renamed.ts'));
        rmSync(path.join(root, 'src/m0500.ts'));
        mkdirSync(path.join(root, 'src/m0500.ts'));
      },
    });
    assert.equal(summary.skipped.unreadable, 3, JSON.stringify(summary.skipped));
    assert.equal(summary.files, 697);
    const next = await index.sync();
    assert.equal(next.files, 698, 'the renamed file is found by the next run');
    assert.equal(next.indexedFiles, 1);
    assert.equal((await index.search('value451 module 451', { k: 1 }))[0].path, 'src/m0451.ts');
  });

  it('decodes UTF-16 files and keeps invalid UTF-8 as text, both searchable', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('export const ümlautSetting = "Grüße";\n', 'utf16le')]);
    const badUtf8 = Buffer.concat([Buffer.from('export const brokenEncoding = 1; // '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]);
    const root = await makeWorkspace({ 'wide.ts': utf16, 'broken.ts': badUtf8 });
    const { index } = await open(root);
    const summary = await index.sync();
    assert.equal(summary.files, 2);
    assert.equal((await index.search('ümlautSetting Grüße', { k: 1 }))[0].path, 'wide.ts');
    const [broken] = await index.search('brokenEncoding', { k: 1 });
    assert.equal(broken.path, 'broken.ts');
    assert.match(broken.text, /\ufffd/);
  });

  it('skips a 50 MB file, a binary named .ts and a 20,000-character single line, each with its reason', async () => {
    const root = await makeWorkspace({ 'ok.ts': 'export const fine = true;\n', 'fake.ts': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]), 'one-line.js': 'x'.repeat(20_000) });
    const huge = await fs.open(path.join(root, 'huge.log.txt'), 'w');
    await huge.truncate(50 * 1024 * 1024);
    await huge.close();
    const { index } = await open(root);
    const summary = await index.sync();
    assert.deepEqual({ files: summary.files, tooLarge: summary.skipped.tooLarge, binary: summary.skipped.binary, minified: summary.skipped.minified },
      { files: 1, tooLarge: 1, binary: 1, minified: 1 });
  });

  it('does not follow symbolic link loops or links leaving the workspace', async () => {
    const outside = await makeWorkspace({ 'secret.txt': 'OUTSIDE-SECRET never indexed' });
    const root = await makeWorkspace({ 'src/a.ts': 'export const inside = 1;\n' });
    await fs.symlink(root, path.join(root, 'src', 'loop'));
    await fs.symlink(path.join(root, 'src'), path.join(root, 'src', 'again'));
    await fs.symlink(outside, path.join(root, 'outside-dir'));
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    const { index } = await open(root);
    const summary = await index.sync();
    assert.equal(summary.files, 1);
    assert.equal(summary.skipped.ignored, 4);
    assert.deepEqual(await index.search('OUTSIDE-SECRET', { k: 3 }), []);
  });

  it('indexes paths with spaces, unicode and # exactly as they are named', async () => {
    const names = ['docs/release notes.md', 'src/übersicht/größe.ts', 'src/#private/hash#tag.ts', 'src/emoji 🚀/launch.ts'];
    const root = await makeWorkspace(Object.fromEntries(names.map((n, i) => [n, `// zanzibar${i} lives in ${n}\nexport const z${i} = ${i};\n`])));
    const { index } = await open(root);
    assert.equal((await index.sync()).files, 4);
    for (const [i, name] of names.entries()) assert.equal((await index.search(`zanzibar${i}`, { k: 1 }))[0].path, name);
  });

  it('indexes an empty workspace without error, and the offline answer says nothing was found', async () => {
    const root = await tempDir('rag-empty-');
    const { index } = await open(root);
    const summary = await index.sync();
    assert.deepEqual([summary.files, summary.chunks], [0, 0]);
    const { answer, events } = await askAll(sessionOver(index, { choice: 'offline' }), 'how does login work?');
    assert.equal(events.at(-1)?.type, 'generation_done');
    assert.match(answer, /I found nothing in the indexed files/);
  });

  it('handles a workspace that is a single huge file: skipped with its reason, nothing else breaks', async () => {
    const root = await tempDir('rag-single-');
    await fs.writeFile(path.join(root, 'dump.sql'), 'INSERT INTO t VALUES (1);\n'.repeat(200_000));
    const { index } = await open(root);
    const summary = await index.sync();
    assert.deepEqual([summary.files, summary.skipped.tooLarge], [0, 1]);
  });

  it('indexes a folder of 100,000 small files', { timeout: 300_000 }, async () => {
    const root = await tempDir('rag-100k-');
    for (let dir = 0; dir < 100; dir++) {
      await fs.mkdir(path.join(root, `d${dir}`));
      await Promise.all(Array.from({ length: 1000 }, (_, i) => fs.writeFile(path.join(root, `d${dir}`, `f${i}.txt`), `note ${dir}-${i}\n`)));
    }
    const { index } = await open(root);
    const summary = await index.sync();
    assert.equal(summary.files, 100_000);
    assert.equal((await index.search('note 57-123', { k: 1 }))[0].path, 'd57/f123.txt');
  });
});
