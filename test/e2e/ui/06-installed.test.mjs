// The extension as users get it: installed from the .vsix that `npm run package` built, listed in the Extensions
// view, with its page showing the packaged README.
import assert from 'node:assert/strict';
import { page, runCommand, screenshot } from './vscode.mjs';

/** The text of the webview (of any) whose content has a heading `heading`: the extension page's README is a webview. */
async function webviewWithHeading(heading, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  const outer = page.locator('iframe.webview.ready');
  for (;;) {
    for (let i = 0; i < await outer.count(); i++) {
      const body = outer.nth(i).contentFrame().locator('iframe#active-frame').contentFrame().locator('body');
      const text = await body.innerText({ timeout: 1000 }).catch(() => '');
      if (text.startsWith(heading)) return text;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows a page headed ${heading}`);
    await page.waitForTimeout(250);
  }
}

suite('Installed from the .vsix', () => {
  test('the Extensions view lists Workspace RAG, installed from a VSIX, and its page shows the packaged README', async () => {
    await runCommand('Extensions: Show Installed Extensions');
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Workspace RAG' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const editor = page.locator('.extension-editor');
    await editor.locator('.header .name', { hasText: 'Workspace RAG' }).waitFor({ timeout: 30_000 });
    const details = (await editor.innerText()).replace(/\s+/g, ' ');
    assert.match(details, /Version 0\.1\.0/);
    assert.match(details, /Source VSIX/);
    const readme = await webviewWithHeading('Workspace RAG');
    assert.match(readme, /Quick start/);
    assert.match(readme, /## Secrets|Secrets\s+What is indexed/);
    await screenshot('extension-page');
    await runCommand('View: Close Editor');
  });
});
