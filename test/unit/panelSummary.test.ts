// The panel's view of a summary (jsdom), fed a real offline summary stream: progress window by window, the
// line-range sources folded in one list, the meta line, and where it stopped.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { summarizeFile } from '../../src/engine/summary/summarizeFile';
import type { SummaryEvent } from '../../src/protocol/events';
import { collect } from '../helpers/engineFakes';
import { tempDir } from '../helpers/workspace';

const dom = new JSDOM('');
(globalThis as { document?: Document }).document = dom.window.document;

async function stream(lines: number): Promise<SummaryEvent[]> {
  const file = path.join(await tempDir(), 'notes.md');
  const text = Array.from({ length: lines }, (_, i) => (i % 50 === 0 ? `## Part ${i / 50 + 1}` : `Line ${i} records the state of queue ${i % 13} after the nightly run.`)).join('\n');
  await fs.writeFile(file, text);
  return collect(summarizeFile({ file, path: 'notes.md', windowTokens: 500 }));
}

describe('the panel\'s summary view', () => {
  it('shows the window being read, then the whole; the sources in one folded list', async () => {
    const { applySummaryEvent, startSummary } = await import('../../media/summaryView');
    const doc = dom.window.document;
    const view = { sources: doc.createElement('div'), meta: doc.createElement('div') };
    startSummary(view);
    const label = () => view.sources.querySelector('.summary-progress-label')!.textContent;
    assert.equal(label(), 'Reading the file…');
    const events = await stream(3000);
    const start = events[0];
    assert.equal(start.type, 'summary_start');
    for (const e of events) applySummaryEvent(view, e);
    // Replay up to the second window's progress: the label says where the reading is.
    const fresh = { sources: doc.createElement('div'), meta: doc.createElement('div') };
    startSummary(fresh);
    const second = events.findIndex((e) => e.type === 'summary_progress' && e.window === 2);
    for (const e of events.slice(0, second + 1)) applySummaryEvent(fresh, e);
    const progress = events[second] as Extract<SummaryEvent, { type: 'summary_progress' }>;
    assert.equal(fresh.sources.querySelector('.summary-progress-label')!.textContent,
      `Window 2 of ${progress.windows} · lines ${progress.startLine}–${progress.endLine} · ${Math.round(progress.percent)}%`);
    assert.equal(fresh.meta.textContent, 'notes.md · offline · extractive');
    // The whole stream: every source is a card in the folded list, and the bar is full.
    assert.match(label(), /^Summarised \d+ windows in \d+\.\d s$/);
    const sources = events.filter((e) => e.type === 'source').length;
    assert.equal(view.sources.querySelectorAll('details.summary-sources .source').length, sources);
    assert.equal(view.sources.querySelector('details.summary-sources > summary')!.textContent, `${sources} sources (line ranges)`);
    const bar = view.sources.querySelector('progress')!;
    assert.equal(bar.value, bar.max);
  });

  it('says where a stopped summary stopped, and leaves tokens and errors to the panel', async () => {
    const { applySummaryEvent, startSummary } = await import('../../media/summaryView');
    const doc = dom.window.document;
    const view = { sources: doc.createElement('div'), meta: doc.createElement('div') };
    startSummary(view);
    applySummaryEvent(view, { type: 'summary_start', t: 0, path: 'a.md', windows: 4, characters: 10, lines: 2, tokens: null, provider: 'offline', model: 'extractive' });
    applySummaryEvent(view, { type: 'summary_progress', t: 1, window: 2, windows: 4, percent: 25, startLine: 3, endLine: 4 });
    assert.equal(applySummaryEvent(view, { type: 'token', t: 2, text: 'x' }), false);
    assert.equal(applySummaryEvent(view, { type: 'error', t: 3, stage: 'generation', code: 'cancelled', message: 'Stopped.' }), false);
    assert.equal(view.sources.querySelector('.summary-progress-label')!.textContent, 'Stopped at window 2 of 4');
  });
});
