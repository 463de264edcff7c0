import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ignoredBecause, scanWorkspace } from '../../src/engine/indexing/scanner';
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

  it('keeps the file rules of a folder a .ragignore re-includes: !dist/ brings back the code, not its source maps', async () => {
    const root = await makeWorkspace({
      '.gitignore': 'build\n*.tmp\n',
      '.ragignore': '!dist/\n!build/\n',
      'dist/app.js': 'x', 'dist/app.js.map': '{}', 'dist/app.min.js': 'x', 'dist/sub/util.js': 'x', 'dist/sub/util.js.map': '{}',
      'build/out.ts': 'x', 'build/scratch.tmp': 'x',
    });
    assert.deepEqual(await scannedPaths(root), ['.gitignore', '.ragignore', 'build/out.ts', 'dist/app.js', 'dist/sub/util.js']);
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
      assert.equal(await ignoredBecause(root, file), ignored ? 'ignored' : undefined, file);
    }
  });
  it('leaves secret files out by default and counts them, but not examples, public keys or source code of those names', async () => {
    const root = await makeWorkspace({
      '.env': 'A=1', '.env.production': 'A=1', '.env.example': 'A=', 'config/.env.local': 'A=1', 'id_rsa': 'k', 'id_rsa.pub': 'ssh-rsa AAAA',
      'id_ed25519': 'k', 'deploy.pem': 'k', 'tls/server.key': 'k', 'store.p12': 'k', 'store.jks': 'k', '.npmrc': 'x', '.netrc': 'x',
      '.git-credentials': 'x', '.aws/credentials': 'x', 'home/.ssh/config': 'x', '.kube/config': 'x', 'kubeconfig': 'x',
      'infra/terraform.tfstate': '{}', 'infra/terraform.tfstate.backup': '{}', 'secrets.yaml': 'x', 'credentials.json': '{}',
      'src/secrets.ts': 'code', 'src/credentials.ts': 'code', 'credentials/helper.ts': 'code', 'src/app.ts': 'code',
    });
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['.env.example', 'credentials/helper.ts', 'id_rsa.pub', 'src/app.ts', 'src/credentials.ts', 'src/secrets.ts']);
    assert.equal(result.skipped.secret, 20);
    assert.equal(result.skipped.ignored, 0);
  });

  it('re-includes a secret file only through a .ragignore `!pattern`, not a .gitignore one', async () => {
    const root = await makeWorkspace({ '.ragignore': '!.env\n', 'sub/.gitignore': '!.env.local\n', '.env': 'A=1', 'sub/.env.local': 'A=1', 'deploy.pem': 'k' });
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['.env', '.ragignore', 'sub/.gitignore']);
    assert.equal(result.skipped.secret, 2);
    assert.equal(await ignoredBecause(root, '.env'), undefined);
    assert.equal(await ignoredBecause(root, 'sub/.env.local'), 'secret');
  });

  it('leaves out, with a warning, a folder whose ignore file exists but cannot be read', async () => {
    // Tests run as root, so no permission bit makes a file unreadable: a folder in the ignore file's place cannot be read as one.
    const root = await makeWorkspace({ 'src/a.ts': 'a', 'private/.gitignore/x': 'x', 'private/token.txt': 'secret', 'private/deeper/b.ts': 'b' });
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['src/a.ts']);
    assert.equal(result.skipped.unreadable, 1);
    assert.match(result.warnings.join('\n'), /private\/\.gitignore.*cannot be read/);
    assert.equal(await ignoredBecause(root, 'private/token.txt'), 'unreadable');
    assert.equal(await ignoredBecause(root, 'private/deeper/b.ts'), 'unreadable');
    assert.equal(await ignoredBecause(root, 'src/a.ts'), undefined);
  });

  it('treats a broken symbolic link in an ignore file\'s place as unreadable too', async () => {
    const root = await makeWorkspace({ 'src/a.ts': 'a', 'keys/token.txt': 'secret' });
    await fs.symlink(path.join(root, 'missing'), path.join(root, 'keys', '.ragignore'));
    const result = await scanWorkspace(root);
    assert.deepEqual(result.files.map((f) => f.path), ['src/a.ts']);
    assert.equal(await ignoredBecause(root, 'keys/token.txt'), 'unreadable');
  });
});
