import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Source } from '../../src/protocol/events';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { searchIndexes } from '../../src/engine/retrieval/multiIndexSearch';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

async function indexOf(files: Record<string, string>): Promise<WorkspaceIndex> {
  const index = await WorkspaceIndex.open({ root: await makeWorkspace(files), indexDir: await tempDir(), shards: 4 });
  await index.sync();
  return index;
}

/** A folder that answers questions about connection pools well: two files about them. */
const GOOD: Record<string, string> = {
  'src/db/pool.ts': [
    '// The connection pool: connections are reused, and the pool size caps how many are open.',
    'export class ConnectionPool {',
    '  constructor(private readonly size = 10) {}',
    '  acquire(): Connection { return this.idle.pop() ?? this.open(); }',
    '}',
  ].join('\n'),
  'docs/pool.md': '# Connection pool\n\nThe connection pool keeps idle connections open. Set its size with DB_POOL_SIZE.\n',
  'src/http/router.ts': 'export function route(request: Request) { return handlers[request.path]?.(request); }\n',
  'README.md': '# Billing service\n\nInvoices, payments and the database behind them.\n',
};

/** A folder that barely mentions them. */
const POOR: Record<string, string> = {
  'src/ui/palette.ts': '// Colours are picked from a pool of twelve.\nexport const palette = ["red", "green", "blue"];\n',
  'src/ui/button.ts': 'export function renderButton(label: string) { return `<button>${label}</button>`; }\n',
  'README.md': '# Web client\n\nThe screens of the application.\n',
};

const strip = (sources: Source[], prefix: string) => sources.map((s) => ({ ...s, path: s.path.slice(prefix.length) }));

describe('searching several folders with one ranking', () => {
  it("ranks a good folder's second hit above a poor folder's best", async () => {
    const good = await indexOf(GOOD);
    const poor = await indexOf(POOR);
    const query = 'connection pool size';
    // Each index alone scales its own best to the top: merging their lists would put the poor folder's best second.
    const [goodFirst, goodSecond] = await good.search(query);
    const [poorBest] = await poor.search(query);
    assert.equal(poorBest.path, 'src/ui/palette.ts');
    assert.ok(poorBest.score > goodSecond.score, `the premise: ${poorBest.score} against ${goodSecond.score}`);

    const found = await searchIndexes([{ name: 'api', index: good }, { name: 'web', index: poor }], query);
    const paths = found.map((s) => s.path);
    assert.deepEqual(paths.slice(0, 2).sort(), [`api/${goodFirst.path}`, `api/${goodSecond.path}`].sort());
    assert.ok(paths.indexOf('web/src/ui/palette.ts') > 1, paths.join(', '));
  });

  it('ranks exactly as one index holding every folder\'s files', async () => {
    const other: Record<string, string> = {
      'src/billing/invoice.ts': 'export function computeInvoiceTotal(lines: Line[]) { return lines.reduce((sum, l) => sum + l.amount, 0); }\n',
      'docs/sessions.md': '# Sessions\n\nA session token expires after one hour; the user then logs in again with a password.\n',
      'src/db/migrate.ts': '// Runs database migrations before the connection pool opens.\nexport async function migrate(pool: ConnectionPool) {}\n',
    };
    const sample = Object.fromEntries(['src/auth/session.ts', 'src/db/pool.ts', 'docs/architecture.md'].map((p) => [p, SAMPLE_PROJECT[p]]));
    const union = await indexOf({ ...sample, ...other });
    const folders = [{ name: 'first', index: await indexOf(sample) }, { name: 'second', index: await indexOf(other) }];
    for (const query of ['connection pool', 'session token expiry password', 'invoice total', 'database migrations', 'rate limiting requests']) {
      for (const mode of ['fused', 'lexical', 'vector'] as const) {
        const together = await searchIndexes(folders, query, { k: 6, mode });
        const expected = await union.search(query, { k: 6, mode });
        const asUnion = together.map((s) => ({ ...s, path: s.path.replace(/^(first|second)\//, '') }));
        assert.deepEqual(asUnion.map((s) => [s.path, s.startLine, s.endLine, s.text]), expected.map((s) => [s.path, s.startLine, s.endLine, s.text]), `${query} (${mode})`);
        asUnion.forEach((s, i) => assert.ok(Math.abs(s.score - expected[i].score) < 1e-9, `${query} (${mode}): score ${s.score} against ${expected[i].score}`));
      }
    }
  });

  it('keeps one folder as it is and matches path filters against the folder-named paths', async () => {
    const good = await indexOf(GOOD);
    const poor = await indexOf(POOR);
    assert.deepEqual(await searchIndexes([{ name: 'api', index: good }], 'connection pool'), await good.search('connection pool'));
    const folders = [{ name: 'api', index: good }, { name: 'web', index: poor }];
    const onlyWeb = await searchIndexes(folders, 'pool', { filter: { paths: ['web/**'] } });
    assert.deepEqual(strip(onlyWeb, 'web/').map((s) => s.path), ['src/ui/palette.ts']);
    const docs = await searchIndexes(folders, 'connection pool', { filter: { paths: ['*/docs/**'] } });
    assert.deepEqual(docs.map((s) => s.path), ['api/docs/pool.md']);
    assert.deepEqual(await searchIndexes([], 'pool'), []);
  });
});
