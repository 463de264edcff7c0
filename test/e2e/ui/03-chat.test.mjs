// The Chat view path the @rag participant will use: participant → request.model (the fake model) → streamed
// Markdown. Checked here with the fake-lm test extension's own @fakelm participant.
import assert from 'node:assert/strict';
import { askChat, screenshot } from './vscode.mjs';

suite('Chat view (harness check with @fakelm)', () => {
  test('streams the fake model\'s answer in several renderings', async () => {
    const { text, renderings } = await askChat('@fakelm what do <source id="a"> and <source id="b"> say?');
    assert.match(text, /Fake LM answer: 2 sources in the prompt\. The first source is cited here \[1\]\. .*FAKE-LM-DONE/);
    const growing = renderings.filter((r) => r.includes('Fake LM answer'));
    assert.ok(growing.length >= 3, `the answer grew over ${growing.length} renderings: ${JSON.stringify(renderings)}`);
    await screenshot('chat-fakelm');
  });
});
