// A run that fails while saving (a thrown error, a full disk, a killed process) leaves the index saved
// before it as it was: reopened, it answers as before and nothing is reported damaged or repaired.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { readManifest } from '../../src/engine/store/manifest';
import { savedShardDirs } from '../../src/engine/store/shardFolders';
import { makeWorkspace, tempDir, writeFiles, SAMPLE_PROJECT } from '../helpers/workspace';

const QUESTIONS = ['connection pool size', 'how are sessions validated', 'rate limiting', 'retry with backoff'];

/** Edits that touch several shards: changed, added and deleted files. */
const EDITS: Record<string, string> = {
  'src/db/pool.ts': 'export const POOL_SIZE = 40; // connection pool size raised for the batch jobs\n',
  'src/net/retry.ts': 'export async function retry(fn: () => Promise<void>) {\n  // retry with exponential backoff, five attempts\n}\n',
  'docs/limits.md': '# Rate limiting\n\nRequests above 50 per second get a 429 and a Retry-After header.\n',
};

/** The file-system calls a save makes or that reading uses: the ones a fault can hit. */
const CALLS = ['open', 'writeFile', 'rename', 'rm', 'mkdir', 'readFile', 'readdir', 'stat', 'lstat', 'utimes', 'unlink'] as const;
type Call = (typeof CALLS)[number];
const originals = new Map<Call, unknown>(CALLS.map((name) => [name, fs[name]]));

/**
 * Makes file-system calls fail from the `failAt`-th writing call on (`open`, `writeFile`, `rename`, `rm`,
 * `mkdir`, `utimes`, `unlink` count): `once` fails that call only (a full disk that frees up), otherwise
 * every call after it fails too, as nothing more happens after a process is killed. Returns how many
 * writing calls were made.
 */
function injectFault(failAt: number, once: boolean): () => number {
  let writes = 0;
  let dead = false;
  const writing = new Set<Call>(['open', 'writeFile', 'rename', 'rm', 'mkdir', 'utimes', 'unlink']);
  for (const name of CALLS) {
    const original = originals.get(name) as (...args: unknown[]) => Promise<unknown>;
    (fs as unknown as Record<Call, unknown>)[name] = (...args: unknown[]) => {
      if (writing.has(name) && ++writes === failAt) {
        if (!once) dead = true;
        return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      }
      if (dead) return Promise.reject(Object.assign(new Error('the process was killed'), { code: 'EKILLED' }));
      return original.apply(fs, args);
    };
  }
  return () => writes;
}

function restoreFs(): void {
  for (const name of CALLS) (fs as unknown as Record<Call, unknown>)[name] = originals.get(name);
}

afterEach(restoreFs);

async function open(root: string, indexDir: string) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir, shards: 4, onWarning: (w) => warnings.push(w) });
  return { index, warnings };
}

async function answers(index: WorkspaceIndex) {
  return Promise.all(QUESTIONS.map((q) => index.search(q, { k: 5 })));
}

/** A workspace indexed once, its answers, and the answers after the edits (from a copy that saved them). */
async function prepared() {
  const root = await makeWorkspace({
    ...SAMPLE_PROJECT,
    'src/db/pool.ts': 'export const POOL_SIZE = 10; // connection pool size\n',
    'src/old/legacy.ts': 'export const legacy = "rate limiting was done here";\n',
  });
  const indexDir = await tempDir();
  const { index } = await open(root, indexDir);
  await index.sync();
  const before = await answers(index);
  await writeFiles(root, EDITS);
  await fs.rm(path.join(root, 'src/old/legacy.ts'));
  const changed = Object.keys(EDITS);
  const deleted = ['src/old/legacy.ts'];
  const control = await tempDir();
  await fs.cp(indexDir, control, { recursive: true });
  const { index: saved } = await open(root, control);
  await saved.updateFiles(changed, deleted);
  const after = await answers(saved);
  assert.notDeepEqual(after, before, 'the edits change the answers');
  return { root, indexDir, before, after, changed, deleted };
}

describe('a failed save leaves the saved index as it was', () => {
  it('a process killed at any step of a save: reopened, it answers as before (or as after, once the switch is done), nothing repaired', async () => {
    const { root, indexDir, before, after, changed, deleted } = await prepared();
    let outcomes = { before: 0, after: 0 };
    for (let step = 1; ; step++) {
      const copy = await tempDir();
      await fs.cp(indexDir, copy, { recursive: true });
      const { index } = await open(root, copy);
      const writes = injectFault(step, false);
      const finished = await index.updateFiles(changed, deleted).then(() => true, () => false);
      const made = writes();
      restoreFs();
      await fs.rm(path.join(copy, 'index.lock'), { force: true }); // a killed process's lock is taken over; here it is simply gone
      const { index: reopened, warnings } = await open(root, copy);
      assert.deepEqual(warnings, [], `killed at write ${step}: nothing is reported damaged`);
      const seen = await answers(reopened);
      if (isDeepEqual(seen, before)) outcomes.before++;
      else {
        assert.deepEqual(seen, after, `killed at write ${step}: the answers are those of one saved state`);
        outcomes.after++;
      }
      await reopened.sync();
      assert.deepEqual(await answers(reopened), after, 'the next run finishes the job');
      if (finished || made < step) break;
    }
    assert.ok(outcomes.before >= 5, `most steps come before the manifest switch (${JSON.stringify(outcomes)})`);
    assert.ok(outcomes.after >= 1, 'the last steps (deleting the replaced folders) come after it');
  });

  it('a write that fails once (a full disk): the run fails, the index in memory and on disk answers as before, and the next run saves', async () => {
    const { root, indexDir, before, after, changed, deleted } = await prepared();
    for (const step of [3, 6, 9]) {
      const copy = await tempDir();
      await fs.cp(indexDir, copy, { recursive: true });
      const { index, warnings } = await open(root, copy);
      injectFault(step, true);
      await assert.rejects(index.updateFiles(changed, deleted), /ENOSPC/);
      restoreFs();
      assert.deepEqual(await answers(index), before, `failed at write ${step}: memory went back to the saved state`);
      const { index: reopened, warnings: reopenWarnings } = await open(root, copy);
      assert.deepEqual([...warnings, ...reopenWarnings], []);
      assert.deepEqual(await answers(reopened), before);
      await index.updateFiles(changed, deleted);
      assert.deepEqual(await answers(index), after);
      const named = savedShardDirs(copy, await readManifest(copy)).filter((d) => d !== undefined).map((d) => path.basename(d!)).sort();
      assert.deepEqual((await fs.readdir(path.join(copy, 'shards'))).sort(), named, 'no folder of the failed run is left behind');
    }
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
