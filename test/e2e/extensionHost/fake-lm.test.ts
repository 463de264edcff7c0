// Checks the test harness's own fake model, so that later chat and panel tests can rely on what it does.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askChat, fakeLmRecords, fakeModel, waitFor } from './helpers';
import { suite, test } from './tdd';

async function ask(prompt: string, token = new vscode.CancellationTokenSource().token, onPart?: () => void) {
  const model = await fakeModel();
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, token);
  const parts: { text: string; at: number }[] = [];
  for await (const text of response.text) {
    parts.push({ text, at: Date.now() });
    onPart?.();
  }
  return parts;
}

suite('the fake language model (test harness)', () => {
  test('is available to extensions with tool calling', async () => {
    const model = await fakeModel();
    assert.equal(model.name, 'Fake LM');
    assert.ok(model.maxInputTokens >= 100_000);
  });

  test('streams a deterministic answer in parts and counts the prompt\'s <source> blocks', async () => {
    const sent = Date.now();
    const parts = await ask('<source id="1">a</source>\n<source id="2">b</source>\nQuestion: what?');
    const text = parts.map((p) => p.text).join('');
    assert.equal(text, 'Fake LM answer: 2 sources in the prompt. The first source is cited here [1]. This answer streams in parts. FAKE-LM-DONE');
    assert.ok(parts.length >= 5, `${parts.length} parts`);
    // The fake waits 100 ms before each later part, so the answer takes at least 400 ms, however the host
    // batches delivery (measuring the gap between received parts failed on a busy first run).
    assert.ok(parts[parts.length - 1]!.at - sent >= 400, 'parts are sent 100 ms apart');
    const request = fakeLmRecords().filter((r) => r.event === 'request').pop();
    assert.equal(request?.sources, 2);
  });

  test('answers a chat participant through the Chat view (@fakelm)', async () => {
    const result = await askChat('@fakelm what does <source id="1"> say?');
    assert.deepEqual(result?.metadata, { model: 'fake-lm' }, JSON.stringify(result));
    const request = fakeLmRecords().filter((r) => r.event === 'request').pop();
    assert.equal(request?.sources, 1);
    assert.match(request?.lastMessage ?? '', /what does <source id="1"> say\?/);
  });

  test('stops a long answer when cancelled', async () => {
    // Cancelled once the answer is streaming: a fixed delay raced the request's start on a busy machine.
    const cancel = new vscode.CancellationTokenSource();
    const parts = await ask('FAKE-LM-LONG please', cancel.token, () => cancel.cancel());
    assert.ok(!parts.map((p) => p.text).join('').includes('FAKE-LM-DONE'), 'the answer did not finish');
    await waitFor('the fake model to record the cancellation', () => fakeLmRecords().pop()?.event === 'cancelled');
  });
});
