import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RagEvent } from '../../src/protocol/events';
import { StreamingRag } from '../../src/engine/streamingRag';
import { collect, fixedRetriever, scriptedLlm, source, syncLlm, waitForAbort } from '../helpers/engineFakes';

const twoSources = [source('src/auth.ts', 'export function login() {}', 10), source('docs/auth.md', '# Auth\nSessions last one hour.', 1)];

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(() => process.on('unhandledRejection', onUnhandled));
after(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'a provider rejecting after the engine stopped listening must not surface as an unhandled rejection');
});

function types(events: RagEvent[]): string[] {
  return events.map((e) => e.type);
}

describe('StreamingRag strategies', () => {
  it('streams a native async model token by token, sources first, in the protocol order', async () => {
    const llm = scriptedLlm(['Log', 'in ', 'with ', 'login() [1].'], { info: { provider: 'ollama', model: 'llama3.2' } });
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm });
    assert.equal(rag.strategy, 'async');
    const { answer, events } = await rag.query('how do I log in?');
    assert.equal(answer, 'Login with login() [1].');
    assert.deepEqual(types(events), [
      'retrieval_start', 'source', 'source', 'retrieval_done', 'generation_start',
      'token', 'token', 'token', 'citation', 'token', 'generation_done',
    ]);
    const start = events[4];
    assert.ok(start.type === 'generation_start');
    assert.equal(start.provider, 'ollama');
    assert.equal(start.model, 'llama3.2');
    assert.equal(start.strategy, 'async');
    assert.ok(start.promptTokens > 20);
    const first = events[0];
    assert.ok(first.type === 'retrieval_start' && first.t === 0 && first.query === 'how do I log in?');
    const times = events.map((e) => e.t);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 't is monotonic');
    const sourceEvent = events[1];
    assert.ok(sourceEvent.type === 'source');
    assert.deepEqual({ ...sourceEvent, t: 0 }, { type: 'source', t: 0, index: 1, path: 'src/auth.ts', startLine: 10, endLine: 10, score: 1, snippet: 'export function login() {}', snippetLine: 10, snippetMatches: [] });
    assert.match(llm.probe.prompts[0], /<source id="1" path="src\/auth.ts" lines="10-10">/);
  });

  it('bridges a synchronous iterable without blocking the event loop between tokens', async () => {
    const tokens = Array.from({ length: 200 }, (_, i) => `t${i} `);
    const llm = syncLlm(tokens);
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm });
    assert.equal(rag.strategy, 'sync');
    let timerFired = false;
    setTimeout(() => { timerFired = true; }, 0);
    let tokensBeforeTimer = 0;
    let answer = '';
    for await (const event of rag.events('q')) {
      if (event.type !== 'token') continue;
      answer += event.text;
      if (!timerFired) tokensBeforeTimer++;
    }
    assert.equal(answer, tokens.join(''));
    assert.ok(tokensBeforeTimer < tokens.length, `a timer ran while the sync model was still streaming (${tokensBeforeTimer} tokens before it)`);
    assert.equal(llm.returned(), true);
  });

  it('simulates streaming from a whole answer in chunkSize-word pieces, simDelay apart', async () => {
    const whole = 'one two three four five\nsix seven eight nine ten eleven';
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources, () => whole), config: { chunkSize: 3, simDelay: 30 } });
    assert.equal(rag.strategy, 'simulated');
    const { answer, events } = await rag.query('q');
    assert.equal(answer, whole, 'whitespace and newlines survive the re-chunking');
    const tokens = events.filter((e) => e.type === 'token');
    assert.equal(tokens.length, 4);
    assert.deepEqual(tokens.map((e) => e.text), ['one two three ', 'four five\nsix ', 'seven eight nine ', 'ten eleven']);
    const gaps = tokens.slice(1).map((e, i) => e.t - tokens[i].t);
    assert.ok(gaps.every((gap) => gap >= 25), `chunks are spaced by simDelay: ${gaps.join(', ')}`);
  });

  it('prefers astream over stream when a model offers both', () => {
    const both = { ...syncLlm(['x']), astream: scriptedLlm(['y']).astream };
    assert.equal(new StreamingRag({ retriever: fixedRetriever([]), llm: both }).strategy, 'async');
  });

  it('refuses to start without a model and without a whole-answer generator', () => {
    assert.throws(() => new StreamingRag({ retriever: fixedRetriever([]) }), /astream\(prompt, \{ signal \}\) or stream\(prompt\).*generate\(query, sources\)/);
  });

  it('rejects a config that would break streaming', () => {
    assert.throws(() => new StreamingRag({ retriever: fixedRetriever([], () => ''), config: { generationTimeout: 0 } }), /generationTimeout must be a positive number/);
    assert.throws(() => new StreamingRag({ retriever: fixedRetriever([], () => ''), config: { promptTemplate: 'no placeholders' } }), /\{context\} and \{query\}/);
  });
});

describe('StreamingRag timeouts and cancellation', () => {
  it('ends with a retrieval error when retrieval exceeds retrievalTimeout, and aborts the retriever', async () => {
    let retrieverSignal: AbortSignal | undefined;
    const retriever = {
      retrieve: (_q: string, { signal }: { signal: AbortSignal }) => {
        retrieverSignal = signal;
        return waitForAbort(signal);
      },
      generate: () => 'never',
    };
    const rag = new StreamingRag({ retriever, config: { retrievalTimeout: 50 } });
    const events = await collect(rag.events('q'));
    assert.deepEqual(types(events), ['retrieval_start', 'error']);
    const error = events[1];
    assert.ok(error.type === 'error');
    assert.equal(error.stage, 'retrieval');
    assert.equal(error.code, 'retrieval_timeout');
    assert.match(error.message, /took longer than 50 ms/);
    assert.match(error.message, /raise the retrieval timeout/);
    assert.equal(retrieverSignal?.aborted, true);
  });

  it('reports a retriever failure as a retrieval error that says what to do', async () => {
    const rag = new StreamingRag({ retriever: { retrieve: () => { throw new Error('index file is corrupt'); }, generate: () => '' } });
    const events = await collect(rag.events('q'));
    const error = events.at(-1)!;
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'retrieval_failed');
    assert.match(error.message, /index file is corrupt.*Reindex/);
  });

  it('applies generationTimeout per token: a slow but steady model finishes, a model that stalls mid-answer is stopped', async () => {
    const steady = scriptedLlm(Array.from({ length: 8 }, (_, i) => `w${i} `), { delayMs: 40 });
    const ok = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm: steady, config: { generationTimeout: 150 } }).query('q');
    assert.equal(ok.events.at(-1)?.type, 'generation_done', 'total time 320 ms exceeds the timeout, but no gap does');

    const stalling = scriptedLlm(['a ', 'b ', 'c ', 'd '], { delayMs: 10, stallAfter: 3 });
    const started = Date.now();
    const { answer, events } = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm: stalling, config: { generationTimeout: 150 } }).query('q');
    assert.equal(answer, 'a b c ', 'tokens already shown stay');
    const error = events.at(-1)!;
    assert.ok(error.type === 'error');
    assert.equal(error.stage, 'generation');
    assert.equal(error.code, 'generation_timeout');
    assert.match(error.message, /stopped sending for 150 ms in the middle of the answer/);
    assert.ok(Date.now() - started >= 150);
    assert.equal(stalling.probe.signal?.aborted, true, 'the provider signal is aborted so its HTTP request closes');
    assert.equal(stalling.probe.returned, true, 'return() was called on the provider iterator');
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(stalling.probe.finallyRan, true, 'the provider generator ran its cleanup');
  });

  it('times out a first token that never comes with a message about the server', async () => {
    const silent = scriptedLlm(['never'], { stallAfter: 0 });
    const events = await collect(new StreamingRag({ retriever: fixedRetriever(twoSources), llm: silent, config: { generationTimeout: 80 } }).events('q'));
    const error = events.at(-1)!;
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'generation_timeout');
    assert.match(error.message, /sent no answer within 80 ms/);
    assert.equal(events.filter((e) => e.type === 'token').length, 0);
  });

  it('stops promptly on abort, closes the provider iterator, and emits nothing after the error', async () => {
    const llm = scriptedLlm(['one ', 'two ', 'three '], { stallAfter: 2 });
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm });
    const controller = new AbortController();
    const events: RagEvent[] = [];
    let abortedAt = 0;
    for await (const event of rag.events('q', { signal: controller.signal })) {
      events.push(event);
      if (event.type === 'token' && event.text === 'two ') {
        abortedAt = Date.now();
        setTimeout(() => controller.abort(), 5);
      }
    }
    assert.ok(Date.now() - abortedAt < 1000, 'ended well before any timeout');
    const last = events.at(-1)!;
    assert.ok(last.type === 'error');
    assert.equal(last.code, 'cancelled');
    assert.equal(last.stage, 'generation');
    assert.equal(llm.probe.signal?.aborted, true);
    assert.equal(llm.probe.returned, true);
    assert.equal(rag.stats.totalErrors, 0, 'a cancellation is not an error');
  });

  it('honours a signal that is already aborted', async () => {
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm: scriptedLlm(['x']) });
    const events = await collect(rag.events('q', { signal: AbortSignal.abort() }));
    assert.deepEqual(types(events), ['retrieval_start', 'error']);
  });

  it('closes the provider when the consumer stops reading early', async () => {
    const llm = scriptedLlm(['a', 'b', 'c', 'd'], { stallAfter: 2 });
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm });
    for await (const event of rag.events('q')) {
      if (event.type === 'token') break;
    }
    assert.equal(llm.probe.signal?.aborted, true);
    assert.equal(llm.probe.returned, true);
  });

  it('turns a provider failure mid-stream into a generation error, keeping the tokens already sent', async () => {
    const llm = scriptedLlm(['a ', 'b ', 'c '], { failAfter: 2 });
    const { answer, events } = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm }).query('q');
    assert.equal(answer, 'a b ');
    const error = events.at(-1)!;
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'generation_failed');
    assert.match(error.message, /connection reset by peer/);
  });
});

describe('StreamingRag citations, callbacks and stats', () => {
  it('emits each citation, invalid when no such source, just before the token that shows it; tokens never split a citation', async () => {
    const llm = scriptedLlm(['See ', '[', '1', ']', ' and [2', '] but [7]', ' and [1] again.']);
    const { events } = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm }).query('q');
    const sequence = events.filter((e) => e.type === 'token' || e.type === 'citation')
      .map((e) => (e.type === 'token' ? e.text : `<${e.index}:${e.valid}>`));
    assert.deepEqual(sequence, ['See ', '<1:true>', '[1] and ', '<2:true>', '[2] but ', '<7:false>', '<1:true>', '[7] and [1] again.']);
    const answer = events.map((e) => (e.type === 'token' ? e.text : '')).join('');
    for (const e of events) {
      if (e.type === 'citation') assert.equal(answer.slice(e.offset, e.offset + e.length), `[${e.index}]`, 'the offset points at the mark');
    }
    const done = events.at(-1)!;
    assert.ok(done.type === 'generation_done');
    assert.deepEqual(done.cited, [1, 2]);
    assert.deepEqual(done.uncited, []);
    assert.equal(done.tokens, 7);
  });

  it('reports sources the answer never cited', async () => {
    const { events } = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm: scriptedLlm(['Only [2].']) }).query('q');
    const done = events.at(-1)!;
    assert.ok(done.type === 'generation_done');
    assert.deepEqual(done.cited, [2]);
    assert.deepEqual(done.uncited, [1]);
    assert.ok(done.ttftMs !== null && done.ttftMs <= done.totalMs);
  });

  it('fires onToken and onEvent before each event is yielded', async () => {
    const log: string[] = [];
    const rag = new StreamingRag({
      retriever: fixedRetriever(twoSources),
      llm: scriptedLlm(['a', 'b']),
      onToken: (text) => log.push(`token-callback:${text}`),
      onEvent: (event) => log.push(`event-callback:${event.type}`),
    });
    for await (const event of rag.events('q')) log.push(`yielded:${event.type}`);
    const tokenIndex = log.indexOf('yielded:token');
    assert.deepEqual(log.slice(tokenIndex - 2, tokenIndex + 1), ['token-callback:a', 'event-callback:token', 'yielded:token']);
    for (let i = 0; i < log.length; i++) {
      if (log[i].startsWith('yielded:')) assert.equal(log[i - 1], `event-callback:${log[i].slice(8)}`);
    }
  });

  it('keeps cumulative stats: streams, tokens, errors, average latency of completed streams', async () => {
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm: scriptedLlm(['a', 'b', 'c']) });
    const first = await rag.query('q1');
    const second = await rag.query('q2');
    const failing = new StreamingRag({ retriever: { retrieve: () => { throw new Error('x'); } }, llm: scriptedLlm([]) });
    await failing.query('q');
    const totals = [first, second].map((r) => { const done = r.events.at(-1)!; assert.ok(done.type === 'generation_done'); return done.totalMs; });
    const stats = rag.stats;
    assert.equal(stats.totalStreams, 2);
    assert.equal(stats.totalTokens, 6);
    assert.equal(stats.totalErrors, 0);
    assert.ok(Math.abs(stats.avgLatencyMs - (totals[0] + totals[1]) / 2) < 0.02);
    assert.deepEqual(failing.stats, { totalStreams: 1, totalTokens: 0, totalErrors: 1, avgLatencyMs: 0 });
  });

  it('stream() yields only the answer text', async () => {
    const rag = new StreamingRag({ retriever: fixedRetriever(twoSources), llm: scriptedLlm(['Hel', 'lo']) });
    assert.deepEqual(await collect(rag.stream('q')), ['Hel', 'lo']);
  });

  it('announces the provider again when an automatic choice fell back before the first token', async () => {
    let info = { provider: 'ollama', model: 'llama3.2' };
    const inner = scriptedLlm(['hi']);
    const llm = {
      get info() { return info; },
      astream(prompt: string, options: { signal: AbortSignal }) {
        info = { provider: 'openai', model: 'gpt-4o-mini' };
        return inner.astream(prompt, options);
      },
    };
    const { events } = await new StreamingRag({ retriever: fixedRetriever(twoSources), llm }).query('q');
    const starts = events.filter((e) => e.type === 'generation_start');
    assert.deepEqual(starts.map((e) => e.type === 'generation_start' && e.provider), ['ollama', 'openai']);
    assert.equal(events[events.findIndex((e) => e.type === 'token') - 1].type, 'generation_start');
  });
});
