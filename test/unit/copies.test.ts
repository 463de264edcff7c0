import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { dropCopies } from '../../src/engine/retrieval/copies';
import { searchIndexes } from '../../src/engine/retrieval/multiIndexSearch';
import { makeWorkspace, tempDir } from '../helpers/workspace';

async function indexOf(files: Record<string, string>): Promise<WorkspaceIndex> {
  const index = await WorkspaceIndex.open({ root: await makeWorkspace(files), indexDir: await tempDir(), shards: 4 });
  await index.sync();
  return index;
}

const RETRY_DOC = '# Retries\n\nA failed request is retried three times with exponential backoff: 1 s, 2 s, then 4 s between attempts.\n';

/** A README copied to the docs site, and the code that holds the retry backoff, which mentions it less. */
const COPIED: Record<string, string> = {
  'README.md': RETRY_DOC,
  'docs/index.md': RETRY_DOC,
  'src/retry.ts': '// Waits before the next attempt of a failed request.\nexport function backoffDelay(attempt: number): number { return 1000 * 2 ** attempt; }\n',
  'src/http/router.ts': 'export function route(request: Request) { return handlers[request.path]?.(request); }\n',
};

const QUESTION = 'how many times is a failed request retried, and the backoff between attempts';

describe('one source per passage', () => {
  it('a copied file does not take a result slot: the next file takes it', async () => {
    const index = await indexOf(COPIED);
    for (const mode of ['lexical', 'fused'] as const) {
      const paths = (await index.search(QUESTION, { k: 2, mode })).map((s) => s.path);
      assert.equal(paths.filter((p) => p === 'README.md' || p === 'docs/index.md').length, 1, `${mode}: ${paths.join(', ')}`);
      assert.deepEqual(paths.slice(1), ['src/retry.ts'], `${mode}: ${paths.join(', ')}`);
    }
    await index.close();
  });

  it('of two copies that score the same, the shorter path stays, whichever shard is searched first', async () => {
    // Lexical scores of identical chunks with no question word in either path are equal; in one shard the
    // longer path comes first.
    const files = { ...COPIED, 'docs/intro.md': RETRY_DOC, 'intro.md': RETRY_DOC };
    for (const shards of [1, 2, 4, 8]) {
      const index = await WorkspaceIndex.open({ root: await makeWorkspace(files), indexDir: await tempDir(), shards });
      await index.sync();
      const paths = (await index.search(QUESTION, { k: 2, mode: 'lexical' })).map((s) => s.path);
      assert.deepEqual(paths, ['intro.md', 'src/retry.ts'], `${shards} shards`);
      await index.close();
    }
  });

  it('the same file in two folders of a workspace is returned once', async () => {
    const api = await indexOf(COPIED);
    const web = await indexOf({ 'docs/retries.md': RETRY_DOC, 'src/palette.ts': 'export const palette = ["red", "green"];\n' });
    const found = await searchIndexes([{ name: 'api', index: api }, { name: 'web', index: web }], QUESTION, { k: 3 });
    const copies = found.filter((s) => s.text === RETRY_DOC.trimEnd() || s.text === RETRY_DOC);
    assert.equal(copies.length, 1, found.map((s) => s.path).join(', '));
    assert.ok(found.some((s) => s.path === 'api/src/retry.ts'), found.map((s) => s.path).join(', '));
    await api.close();
    await web.close();
  });

  it('keeps the better-ranked copy; on a tie, not a supporting file, then the shorter path', () => {
    const view = { key: (c: { text: string }) => c.text, path: (c: { path: string }) => c.path };
    const ranked = [
      { path: 'test/fixtures/a.md', text: 'A', score: 0.9 },
      { path: 'docs/guide/a.md', text: 'A', score: 0.9 },
      { path: 'b.md', text: 'B', score: 0.8 },
      { path: 'a.md', text: 'A', score: 0.7 },
      { path: 'docs/b.md', text: 'B', score: 0.8 },
      { path: 'c.md', text: 'C', score: 0.6 },
    ];
    assert.deepEqual(dropCopies(ranked, view).map((c) => c.path), ['docs/guide/a.md', 'b.md', 'c.md']);
    // A better score wins over a shorter path or a supporting file's copy.
    assert.deepEqual(dropCopies([ranked[3], { ...ranked[0], score: 0.1 }], view).map((c) => c.path), ['a.md']);
    assert.deepEqual(dropCopies([{ ...ranked[0], score: 1 }, ranked[3]], view).map((c) => c.path), ['test/fixtures/a.md']);
  });
});
