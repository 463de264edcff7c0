// What the file watchers do with what they see (ChangeBatcher): a burst of saves becomes one update, a
// folder reported alone is found by a sync, and a failed update does not lose its changes.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AnswerSession } from '../../src/engine/session/answerSession';
import { ChangeBatcher } from '../../src/engine/session/changeBatcher';
import { threadIndexes } from '../../src/engine/session/folderIndexes';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const openIndex = threadIndexes(path.resolve(__dirname, '../../dist/indexWorker.js'));

/** An offline session whose `updateFiles` fails the first `failures` times, counting what it is asked. */
class CountingSession extends AnswerSession {
  updates: string[][] = [];
  syncs = 0;
  constructor(root: string, indexDir: string, private failures = 0) {
    super({ folders: [{ name: 'ws', root, indexDir }], providers: { choice: 'offline' }, openIndex });
  }
  override updateFiles(changed: readonly string[], deleted: readonly string[]) {
    this.updates.push([...changed, ...deleted].map((p) => path.basename(p)).sort());
    if (this.failures-- > 0) return Promise.reject(new Error('disk hiccup'));
    return super.updateFiles(changed, deleted);
  }
  override reindex(options = {}) {
    this.syncs++;
    return super.reindex(options);
  }
}

async function setUp(failures = 0) {
  const root = await makeWorkspace({ 'README.md': '# Notes\n\nNothing here yet.\n' });
  const session = new CountingSession(root, await tempDir(), failures);
  await session.reindex();
  session.syncs = 0;
  const warnings: string[] = [];
  const batcher = new ChangeBatcher(session, { warn: (m) => warnings.push(m) });
  return { root, session, batcher, warnings };
}

async function until(found: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await found()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting until ${what}`);
}

const finds = (session: AnswerSession, word: string, file: string) => async () =>
  (await session.search(word, { k: 3 })).some((s) => s.path === file);

describe('ChangeBatcher', () => {
  it('applies a burst of saves as one update, and the saved words are then found', async () => {
    const { root, session, batcher } = await setUp();
    for (const name of ['a.md', 'b.md', 'c.md']) {
      await fs.writeFile(path.join(root, name), `# ${name}\n\nThe quartzite migration plan for ${name}.\n`);
      batcher.queue(path.join(root, name), false);
    }
    await until(finds(session, 'quartzite', 'b.md'), 'b.md is searchable');
    assert.deepEqual(session.updates, [['a.md', 'b.md', 'c.md']]);
    assert.equal(session.syncs, 0);
    batcher.close();
    await session.close();
  });

  it('keeps the changes of a failed update: a sync indexes them, and the failure is reported', async () => {
    const { root, session, batcher, warnings } = await setUp(1);
    await fs.writeFile(path.join(root, 'saved.md'), '# Saved\n\nThe obsidian rollout checklist.\n');
    batcher.queue(path.join(root, 'saved.md'), false);
    await until(finds(session, 'obsidian', 'saved.md'), 'saved.md is searchable after the failed update');
    assert.equal(session.syncs, 1);
    assert.match(warnings.join('\n'), /Updating the index after 1 file change\(s\) failed \(disk hiccup\); running an incremental sync instead/);
    batcher.close();
    await session.close();
  });

  it('finds the files of a folder that was reported alone', async () => {
    const { root, session, batcher } = await setUp();
    await fs.mkdir(path.join(root, 'guides', 'deep'), { recursive: true });
    await fs.writeFile(path.join(root, 'guides', 'deep', 'setup.md'), '# Setup\n\nInstall the basalt toolchain first.\n');
    batcher.queue(path.join(root, 'guides'), false);
    await until(finds(session, 'basalt', 'guides/deep/setup.md'), 'the new folder\'s file is searchable');
    assert.equal(session.syncs, 1);
    batcher.close();
    await session.close();
  });

  it('drops what is queued once closed', async () => {
    const { root, session, batcher } = await setUp();
    await fs.writeFile(path.join(root, 'late.md'), '# Late\n\nThe granite note.\n');
    batcher.queue(path.join(root, 'late.md'), false);
    batcher.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(session.updates, []);
    await session.close();
  });
});
