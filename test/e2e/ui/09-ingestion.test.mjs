// Live ingestion status in the panel: a file saved in the workspace is re-indexed by the extension's file watcher,
// and the panel's index view lists it under "Recent files" with its chunks and time; a search then finds it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { page, sample, screenshotOf, webview } from './vscode.mjs';

async function openPanel() {
  const view = webview();
  if (!(await view.locator('#question').isVisible().catch(() => false))) {
    await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
  }
  await view.locator('#question').waitFor({ timeout: 60_000 });
  return view;
}

suite('Live ingestion status', () => {
  test('a saved file shows under Recent files with its chunks, and the next question finds it', async () => {
    const view = await openPanel();
    const word = `zebracorn${Date.now().toString(36).replace(/\d/g, '')}`;
    const file = path.join(process.env.E2E_WORKSPACE_UI, 'docs', 'fresh-note.md');
    fs.writeFileSync(file, `# Fresh note\n\nThe release codename is ${word}; it ships on Friday.\n`);
    const details = view.locator('#index-files');
    await details.locator('ul.stored li', { hasText: 'docs/fresh-note.md' }).waitFor({ state: 'attached', timeout: 60_000 });
    await details.locator('summary').click();
    const row = await details.locator('ul.stored li', { hasText: 'docs/fresh-note.md' }).innerText();
    assert.match(row, /1 chunk · \d+ ms/);
    await screenshotOf(page.locator('.part.sidebar'), 'panel-recent-files');
    await details.locator('summary').click();

    const turns = view.locator('.turn');
    const before = await turns.count();
    await view.locator('#question').fill(`What is the release codename ${word}?`);
    await view.locator('#question').press('Enter');
    await sample(turns.nth(before).locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE'), timeout: 45_000 });
    assert.match(await turns.nth(before).locator('.source .source-path').first().innerText(), /docs\/fresh-note\.md/);
  });
});
