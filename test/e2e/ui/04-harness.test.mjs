// Checks of the UI helpers themselves, against the fake-lm test extension.
import assert from 'node:assert/strict';
import { clearNotifications, notifications, page, runCommand, webview } from './vscode.mjs';

suite('UI helpers (harness check)', () => {
  test('webview() reaches a webview\'s content, both ways', async () => {
    await runCommand('Fake LM: Open Test Webview');
    const view = webview('workspace-rag-tests.fake-lm');
    await view.locator('#status', { hasText: 'waiting' }).waitFor();
    await view.locator('#ping').click();
    await view.locator('#status', { hasText: 'pong 1' }).waitFor();
    await runCommand('View: Close Editor');
    await page.locator('.tabs-container .tab[aria-label="Fake LM Webview"]').waitFor({ state: 'detached' });
  });

  test('clearNotifications() removes the notifications shown so far', async () => {
    // Other extensions may post their own progress notifications at any time (TypeScript's "Analyzing …"),
    // which cannot be cleared while they run: check that the ones present before are gone.
    const before = await notifications();
    assert.ok(before.length > 0, 'earlier tests left notifications to clear');
    await clearNotifications();
    const after = await notifications();
    assert.deepEqual(after.filter((message) => before.includes(message) && !/^Analyzing /.test(message)), []);
  });
});
