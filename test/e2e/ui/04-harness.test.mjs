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

  test('clearNotifications() empties the notification center', async () => {
    await clearNotifications();
    assert.deepEqual(await notifications(), []);
  });
});
