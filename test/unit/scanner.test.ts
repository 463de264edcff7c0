import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isPathIgnored, layersFor, scanWorkspace } from '../../src/engine/indexing/scanner';
import { makeWorkspace } from '../helpers/workspace';

async function scannedPaths(root: string, options = {}): Promise<string[]> {
  return (await scanWorkspace(root, options)).files.map((f) => f.path);
}

describe('scanWorkspace', () => {
  it('honours nested .gitignore files, with negation, relative to their own folder', async () => {
    const root = await makeWorkspace({
      '.gitignore': '*.log\nbuild-output/\n',
      'app.ts': 'a', 'app.log': 'log',
      'pkg/.gitignore': '*.gen.ts\n!keep.log\n',
      'pkg/index.ts': 'i', 'pkg/types.gen.ts': 'g', 'pkg/keep.log': 'kept by a deeper negation', 'pkg/other.log': 'o',
      'pkg/deep/x.gen.ts': 'g', 'build-output/out.ts': 'o', 'other/types.gen.ts': 'not ignored here',
    });
    assert.deepEqual(await scannedPaths(root), ['.gitignore', 'app.ts', 'other/types.gen.ts', 'pkg/.gitignore', 'pkg/index.ts', 'pkg/keep.log']);
  });

  it('lets .ragignore exclude more and re-include what .gitignore and the defaults leave out', async () => {
    const root = await makeWorkspace({
      '.gitignore': 'generated-docs/\n',
      '.ragignore': 'fixtures/\n!generated-docs/\n!dist/\n',
      'src/a.ts': 'a', 'fixtures/big.json': '{}', 'generated-docs/api.md': '# API', 'dist/bundle.ts': 'x', 'node_modules/x/index.js': 'x',
    });
    assert.deepEqual(await scannedPaths(root), ['.gitignore', '.ragignore', 'dist/bundle.ts', 'generated-docs/api.md', 'src/a.ts']);
  });

  it('skips default excludes: version control, dependencies, build outputs, lock files, minified bundles', async () => {
    const root = await makeWorkspace({
      '.git/config': 'x', 'node_modules/a/index.js': 'x', 'dist/out.js': 'x', 'build/out.js': 'x', 'coverage/lcov.info': 'x',
      'package-lock.json': '{}', 'yarn.lock': '', 'vendor/lib.go': 'x', 'app.min.js': 'x', 'app.js.map': '{}', 'src/main.ts': 'main',
    });
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['src/main.ts']);
    assert.equal(result.skipped.ignored, 10);
  });

  it('applies include and exclude globs in VS Code syntax, folders included', async () => {
    const root = await makeWorkspace({ 'src/a.ts': 'a', 'src/a.test.ts': 't', 'src/b.md': 'b', 'docs/c.md': 'c', 'scripts/d.ts': 'd' });
    assert.deepEqual(await scannedPaths(root, { include: ['src/**', 'docs/*.md'], exclude: ['**/*.test.ts'] }), ['docs/c.md', 'src/a.ts', 'src/b.md']);
    assert.deepEqual(await scannedPaths(root, { exclude: ['docs', 'scripts'] }), ['src/a.test.ts', 'src/a.ts', 'src/b.md']);
  });

  it('counts binary extensions and files over the size cap as skipped', async () => {
    const root = await makeWorkspace({ 'logo.png': new Uint8Array([137, 80, 78, 71]), 'big.txt': 'x'.repeat(2048), 'small.txt': 'ok' });
    const result = await scanWorkspace(root, { maxFileBytes: 1024 });
    assert.deepEqual(result.files.map((f) => f.path), ['small.txt']);
    assert.equal(result.skipped.binary, 1);
    assert.equal(result.skipped.tooLarge, 1);
  });

  it('does not follow symbolic links: no loops, nothing from outside the workspace', async () => {
    const outside = await makeWorkspace({ 'secret.txt': 'outside' });
    const root = await makeWorkspace({ 'src/a.ts': 'a' });
    await fs.symlink(root, path.join(root, 'src', 'loop'));
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['src/a.ts']);
    assert.equal(result.skipped.ignored, 2);
  });

  it('decides a single changed file exactly as a full scan does', async () => {
    const root = await makeWorkspace({ '.gitignore': 'out/\n', 'pkg/.gitignore': '*.tmp\n', 'pkg/a.tmp': 'x', 'pkg/b.ts': 'x', 'out/c.ts': 'x' });
    for (const [file, ignored] of [['pkg/a.tmp', true], ['pkg/b.ts', false], ['out/c.ts', true], ['node_modules/x/y.js', true]] as const) {
      assert.equal(isPathIgnored(await layersFor(root, file), file), ignored, file);
    }
  });
});
