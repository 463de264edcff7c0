// Streaming summaries of long files: windows with overlap, the event sequence offline and with a model,
// citations of line ranges, failures mid-way, Stop, and paths outside the workspace.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { SummaryEvent } from '../../src/protocol/events';
import { AnswerSession } from '../../src/engine/session/answerSession';
import { summarizeFile } from '../../src/engine/summary/summarizeFile';
import { cutWindows, readWindows, scanFile } from '../../src/engine/summary/windows';
import { collect, scriptedLlm } from '../helpers/engineFakes';
import { makeWorkspace, tempDir } from '../helpers/workspace';

const text = (events: SummaryEvent[]) => events.map((e) => (e.type === 'token' ? e.text : '')).join('');
const types = (events: SummaryEvent[]) => [...new Set(events.map((e) => e.type))];

/** A Markdown guide of `sections` sections, each a heading and a few paragraphs. */
function guide(sections: number): string {
  const parts: string[] = ['# Deployment guide', ''];
  for (let i = 1; i <= sections; i++) {
    parts.push(`## Step ${i}: configure the service number ${i}`, '');
    for (let p = 0; p < 6; p++) parts.push(`Paragraph ${p} of step ${i} explains the settings of the worker pool and the retry budget in detail.`, '');
  }
  return parts.join('\n');
}

async function session(files: Record<string, string>, providers = { choice: 'offline' }) {
  const root = await makeWorkspace(files);
  return { root, session: new AnswerSession({ folders: [{ name: 'ws', root, indexDir: await tempDir() }], providers }) };
}

describe('summary windows', () => {
  it('cuts lines into windows within the budget, each repeating the end of the previous one', () => {
    const sizes = new Uint32Array(Array.from({ length: 100 }, () => 10));
    const windows = cutWindows(sizes, 200, 30);
    assert.equal(windows[0].startLine, 1);
    assert.equal(windows[0].endLine, 20);
    for (let i = 1; i < windows.length; i++) {
      assert.equal(windows[i].overlapLines, 3, 'three 10-token lines fit a 30-token overlap');
      assert.equal(windows[i].startLine, windows[i - 1].endLine - 2);
      let used = 0;
      for (let line = windows[i].startLine; line <= windows[i].endLine; line++) used += sizes[line - 1];
      assert.ok(used <= 200, `window ${i + 1} holds ${used}`);
    }
    assert.equal(windows.at(-1)!.endLine, 100, 'every line is in a window');
  });

  it('gives a line longer than a window a window of its own, cut to fit when read', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'long.txt');
    await fs.writeFile(file, `short\n${'word '.repeat(5000)}\nend\n`);
    const scan = await scanFile(file, { tokens: true });
    assert.equal(scan.lines, 3);
    const windows = cutWindows(scan.lineSizes, 100, 10);
    assert.deepEqual(windows.map((w) => [w.startLine, w.endLine]), [[1, 1], [2, 2], [3, 3]]);
    const read = await collect(readWindows(file, windows, (line) => line.slice(0, 50)));
    assert.equal(read[1].lines[0].length, 50);
  });

  it('counts special-token strings as text, and lines as an editor does (\\r\\n, \\r, \\n)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'mixed.txt');
    await fs.writeFile(file, 'one <|endoftext|>\r\ntwo\rthree\nfour');
    const scan = await scanFile(file, { tokens: true });
    assert.equal(scan.lines, 4);
    assert.ok(scan.tokens! > 8);
  });
});

describe('summaries offline', () => {
  it('streams the outline and the most informative lines, each citing its line range as a numbered source', async () => {
    const { session: s } = await session({ 'docs/guide.md': guide(40) });
    const events = await collect(s.summarize('docs/guide.md'));
    const start = events[0];
    assert.equal(start.type, 'summary_start');
    assert.equal(start.path, 'docs/guide.md');
    assert.equal(start.provider, 'offline');
    assert.ok(start.windows > 1, 'a long guide takes several windows');
    assert.equal(start.tokens, null, 'offline, tokens are not counted');
    assert.equal(events.at(-1)!.type, 'summary_done');
    const progress = events.filter((e) => e.type === 'summary_progress');
    assert.deepEqual(progress.map((p) => p.window), Array.from({ length: start.windows }, (_, i) => i + 1));
    assert.ok(progress.every((p, i) => i === 0 || p.percent > progress[i - 1].percent));
    const summary = text(events);
    assert.match(summary, /^_No language model is configured/);
    assert.match(summary, /\*\*Deployment guide\*\* \[1\]/);
    assert.match(summary, /\*\*Step \d+: configure the service number \d+\*\* \[\d+\]/);
    assert.match(summary, /- _and \d+ more entries of the outline_/, 'a window with too many headings says how many it left out');
    // Every source is a range of the file whose first line is what the summary quotes.
    const lines = guide(40).split('\n');
    const sources = events.filter((e) => e.type === 'source');
    assert.ok(sources.length >= start.windows);
    for (const source of sources) {
      assert.equal(source.path, 'docs/guide.md');
      assert.ok(source.startLine >= 1 && source.endLine >= source.startLine && source.endLine <= lines.length);
      const first = lines[source.startLine - 1].replace(/^#+\s*/, '');
      assert.ok(summary.includes(first.slice(0, 40)), `the summary quotes line ${source.startLine}: ${first}`);
    }
    // Each citation comes after its source, valid, and points at its mark in the text.
    const citations = events.filter((e) => e.type === 'citation');
    assert.equal(citations.length, sources.length);
    for (const c of citations) {
      assert.ok(c.valid);
      assert.equal(summary.slice(c.offset, c.offset + c.length), `[${c.index}]`);
      assert.ok(events.indexOf(sources[c.index - 1]) < events.indexOf(c));
    }
  });

  it('picks out the lines of a log that stand out: the error among routine lines', async () => {
    const log = Array.from({ length: 400 }, (_, i) => `2026-12-02T06:00:${String(i % 60).padStart(2, '0')}Z INFO handled GET /api/items/${i} status=200`);
    log[250] = '2026-12-02T06:04:10Z ERROR replica-3 refused the connection: disk quota exceeded on /var/lib/db';
    const { session: s } = await session({ 'logs/app.log': log.join('\n') });
    const summary = text(await collect(s.summarize('logs/app.log')));
    assert.match(summary, /line 251: `2026-12-02T06:04:10Z ERROR replica-3 refused the connection: disk quota exceeded/);
  });

  it('summarises a multi-megabyte file, its first text arriving before the first window is done', async () => {
    const line = (i: number) => `2026-12-02T06:00:00Z INFO worker ${i % 7} finished job ${i} in ${i % 90} ms`;
    const lines = Array.from({ length: 90_000 }, (_, i) => line(i));
    lines[61_234] = '2026-12-02T06:00:00Z FATAL scheduler lost its lease and stopped assigning jobs';
    const { session: s } = await session({ 'big.log': lines.join('\n') });
    const stat = await fs.stat(path.join((s as unknown as { config: { folders: { root: string }[] } }).config.folders[0].root, 'big.log'));
    assert.ok(stat.size > 4_000_000, `${stat.size} bytes`);
    const events: SummaryEvent[] = [];
    for await (const event of s.summarize('big.log')) events.push(event);
    const start = events[0];
    assert.equal(start.type, 'summary_start');
    assert.equal(start.lines, 90_000);
    assert.ok(start.windows <= 25, `${start.windows} windows`);
    const firstToken = events.findIndex((e) => e.type === 'token');
    const secondProgress = events.findIndex((e) => e.type === 'summary_progress' && e.window === 2);
    assert.ok(firstToken < secondProgress, 'text streams while the file is read');
    assert.equal(events.at(-1)!.type, 'summary_done');
    assert.match(text(events), /line 61235: `2026-12-02T06:00:00Z FATAL scheduler lost its lease/);
  });

  it('stops at once when stopped, ending in a cancelled error with the text so far', async () => {
    const { session: s } = await session({ 'docs/guide.md': guide(400) });
    const controller = new AbortController();
    const events: SummaryEvent[] = [];
    for await (const event of s.summarize('docs/guide.md', { signal: controller.signal })) {
      events.push(event);
      if (event.type === 'summary_progress' && event.window === 2) controller.abort();
    }
    const last = events.at(-1)!;
    assert.equal(last.type, 'error');
    assert.equal(last.code, 'cancelled');
    assert.ok(!events.some((e) => e.type === 'summary_progress' && e.window > 2), 'no window after the stop');
    assert.match(text(events), /Deployment guide/);
  });

  it('refuses paths outside the workspace, through .. or a symbolic link, and secret files', async () => {
    const outside = await tempDir();
    await fs.writeFile(path.join(outside, 'private.txt'), 'not yours');
    const { root, session: s } = await session({ 'a.md': '# A', '.env': 'DB_PASSWORD=hunter22hunter22' });
    await fs.symlink(path.join(outside, 'private.txt'), path.join(root, 'link.txt'));
    for (const requested of ['../' + path.basename(outside) + '/private.txt', path.join(outside, 'private.txt'), 'link.txt', '/etc/passwd']) {
      const events = await collect(s.summarize(requested));
      assert.equal(events.length, 1, requested);
      assert.equal(events[0].type, 'error');
      assert.equal(events[0].code, 'path_not_allowed', requested);
    }
    const env = await collect(s.summarize('.env'));
    assert.equal(env[0].type === 'error' && env[0].code, 'path_not_allowed');
    assert.doesNotMatch(JSON.stringify(env), /hunter22/);
    const missing = await collect(s.summarize('nope.md'));
    assert.equal(missing[0].type === 'error' && missing[0].code, 'file_unreadable');
    const ok = await collect(s.summarize(path.join(root, 'a.md')));
    assert.equal(ok.at(-1)!.type, 'summary_done', 'an absolute path inside the folder is fine');
  });

  it('refuses a binary file', async () => {
    const { root, session: s } = await session({});
    await fs.writeFile(path.join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    const events = await collect(s.summarize('image.png'));
    assert.equal(events[0].type === 'error' && events[0].code, 'file_unreadable');
  });
});

describe('summaries with a model', () => {
  const file = async (content: string) => {
    const dir = await tempDir();
    const absolute = path.join(dir, 'spec.md');
    await fs.writeFile(absolute, content);
    return absolute;
  };

  it('gives each window to the model with the summary so far, and streams each part under its cited line range', async () => {
    const llm = scriptedLlm(['- Explains ', 'the steps.']);
    const events = await collect(summarizeFile({ file: await file(guide(60)), path: 'spec.md', llm, windowTokens: 400, overlapTokens: 40 }));
    const start = events[0];
    assert.equal(start.type, 'summary_start');
    assert.ok(start.tokens! > 1000);
    assert.ok(start.windows >= 3);
    assert.equal(llm.probe.prompts.length, start.windows, 'one request per window');
    assert.match(llm.probe.prompts[0], /\(none yet: this is the first part\)/);
    assert.match(llm.probe.prompts[1], /Summary so far:\n- Explains the steps\./);
    assert.match(llm.probe.prompts[1], /part 2 of/);
    const summary = text(events);
    const sources = events.filter((e) => e.type === 'source');
    assert.equal(sources.length, start.windows);
    for (const source of sources) assert.ok(summary.includes(`**Lines ${source.startLine}–${source.endLine}** [${source.index}]\n\n- Explains the steps.`));
    // Windows overlap: each prompt's part starts before the previous part's end.
    const ranges = llm.probe.prompts.map((p) => /lines="(\d+)-(\d+)"/.exec(p)!.slice(1).map(Number));
    assert.equal(events.at(-1)!.type, 'summary_done');
    assert.ok(ranges.every(([a, b]) => a <= b));
  });

  it('keeps the text written so far when a window fails mid-way, and ends in error', async () => {
    let calls = 0;
    const llm = {
      info: { provider: 'test', model: 'flaky' },
      async *astream() {
        calls++;
        yield `- part ${calls} begins`;
        if (calls === 2) throw new Error('connection reset by peer');
        yield ' and ends.';
      },
    };
    const events = await collect(summarizeFile({ file: await file(guide(60)), path: 'spec.md', llm, windowTokens: 400, overlapTokens: 40 }));
    assert.deepEqual(types(events).slice(0, 2), ['summary_start', 'summary_progress']);
    const last = events.at(-1)!;
    assert.equal(last.type, 'error');
    assert.equal(last.stage, 'generation');
    assert.match(last.message, /connection reset by peer/);
    assert.match(text(events), /- part 1 begins and ends\.[\s\S]*- part 2 begins$/);
    assert.ok(!events.some((e) => e.type === 'summary_done'));
  });

  it('stops a model that stalls mid-window when stopped, closing its stream', async () => {
    const llm = scriptedLlm(['- one', ' two', ' three'], { stallAfter: 1 });
    const controller = new AbortController();
    const events: SummaryEvent[] = [];
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    for await (const event of summarizeFile({ file: await file(guide(10)), path: 'spec.md', llm, signal: controller.signal })) events.push(event);
    assert.ok(performance.now() - started < 5000);
    const last = events.at(-1)!;
    assert.equal(last.type === 'error' && last.code, 'cancelled');
    assert.ok(llm.probe.signal?.aborted, 'the request to the model is aborted');
    assert.match(text(events), /- one$/);
  });

  it('redacts secret values before they reach the model', async () => {
    const llm = scriptedLlm(['- ok']);
    const content = `# Config\nSTRIPE_KEY=sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n`;
    await collect(summarizeFile({ file: await file(content), path: 'config.md', llm }));
    assert.doesNotMatch(llm.probe.prompts[0], /4eC39HqLyjWDarjtT1zdp7dc|MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun/);
    assert.match(llm.probe.prompts[0], /«redacted/);
  });
});
