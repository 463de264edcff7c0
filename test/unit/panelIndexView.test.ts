// The panel's index view in a DOM (jsdom): the files indexing stored lately, newest first, and the files it
// could not read with the reason, as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { showFileActivity } from '../../media/indexView';
import { FileActivity } from '../../src/engine/session/fileActivity';
import { panelPageHtml } from '../../src/protocol/panelPage';
import type { SessionState } from '../../src/protocol/session';
import { indexView } from '../../src/protocol/webview';

function page(): HTMLDetailsElement {
  const doc = new JSDOM(panelPageHtml({ csp: '', styles: '', script: '' })).window.document;
  return doc.getElementById('index-files') as HTMLDetailsElement;
}

function state(activity: FileActivity): SessionState {
  return { folders: [], files: 2, chunks: 5, lastUpdated: 1, indexing: false, progress: undefined, error: undefined, warnings: [], activity: activity.state };
}

describe('panel index view: recent files', () => {
  it('stays hidden until indexing reports a file', () => {
    const details = page();
    showFileActivity(details, indexView(state(new FileActivity())));
    assert.equal(details.hidden, true);
  });

  it('lists stored files newest first and failures with their reason; a failed file stored later is no longer listed as failing', () => {
    const activity = new FileActivity();
    activity.record({ type: 'file_stage', path: 'src/a.ts', stage: 'read', chunks: 0, ms: 1 });
    activity.record({ type: 'file_stage', path: 'src/a.ts', stage: 'stored', chunks: 3, ms: 40 });
    activity.record({ type: 'file_error', path: 'docs/<b>x</b>.md', reason: 'the file was deleted before it could be read' });
    activity.record({ type: 'file_error', path: 'src/b.ts', reason: 'permission denied' });
    activity.record({ type: 'file_stage', path: 'src/c.ts', stage: 'stored', chunks: 1, ms: 12 });
    activity.record({ type: 'file_stage', path: 'src/b.ts', stage: 'stored', chunks: 2, ms: 9 });
    const details = page();
    showFileActivity(details, indexView(state(activity)));
    assert.equal(details.hidden, false);
    assert.equal(details.querySelector('summary')!.textContent, 'Recent files · 1 could not be read');
    const rows = (list: string) => [...details.querySelectorAll(`ul.${list} li`)].map((li) => li.textContent);
    assert.deepEqual(rows('stored'), ['src/b.ts2 chunks · 9 ms', 'src/c.ts1 chunk · 12 ms', 'src/a.ts3 chunks · 40 ms']);
    assert.deepEqual(rows('failed'), ['docs/<b>x</b>.mdthe file was deleted before it could be read']);
    assert.equal(details.querySelector('ul.failed b'), null, 'a path is text, never markup');
  });
});
