// Progressive context in the real VS Code: the test model (test/e2e/fake-lm) calls the `search` tool when a
// question holds FAKE-LM-SEARCH, and the panel shows the further passages as a second group of cards, numbered
// after the first, which the answer cites.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { page, sample, screenshotOf, webview } from './vscode.mjs';

suite('Progressive context (installed extension)', () => {
  test('the panel shows a second wave of source cards that the answer cites', async () => {
    const view = webview();
    if (!(await view.locator('#question').isVisible().catch(() => false))) {
      await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
    }
    await view.locator('#question').waitFor({ timeout: 30_000 });
    const turns = view.locator('.turn');
    const before = await turns.count();
    const asked = Date.now(); // the extension-host suite asks the test model the same question before
    await view.locator('#question').fill('How long does a session last? FAKE-LM-SEARCH');
    await view.locator('#question').press('Enter');
    const turn = turns.nth(before);
    const answer = (await sample(turn.locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE'), timeout: 60_000 })).at(-1);

    const firstWave = await turn.locator('.sources > .source').count();
    const wave = turn.locator('.wave[data-wave="2"]');
    assert.ok(firstWave > 0, 'the first wave of cards');
    assert.match(await wave.locator('.wave-head').innerText(), /^Searched again: “least recently used cache eviction” · \d+ more sources?$/);
    assert.ok(await wave.locator('.source[data-path="src/cache/lru.ts"]').count(), 'the cache\'s code came with the search');
    const numbers = await wave.locator('.source').evaluateAll((cards) => cards.map((card) => Number(card.dataset.index)));
    assert.deepEqual(numbers, numbers.map((_, i) => firstWave + 1 + i), 'numbered after the first wave');
    const newest = numbers.at(-1);
    assert.match(answer, new RegExp(`A source the search found is cited here \\[?${newest}`));
    // The chip of the new source is a link to its card, like the first wave's.
    await turn.locator(`.answer .cite[data-cite="${newest}"]`).first().click();
    await wave.locator(`.source[data-index="${newest}"].highlight`).waitFor();

    const requests = fs.readFileSync(process.env.E2E_FAKE_LM_LOG, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
      .filter((r) => r.event === 'request' && r.time >= asked && r.prompt.includes('FAKE-LM-SEARCH'));
    assert.equal(requests.length, 2, 'asked twice: the tool call, then the answer with the tool result');
    assert.deepEqual(requests[0].tools, ['search']);
    await page.mouse.move(800, 500);
    await screenshotOf(page.locator('.part.sidebar'), 'progressive-panel');
  });
});
