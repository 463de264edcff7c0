// The workbench itself: the fixture workspace is open, with the extension under test installed from its .vsix.
import assert from 'node:assert/strict';
import { openFile, page, screenshot, statusBarItem } from './vscode.mjs';

suite('workbench', () => {
  test('opens the fixture workspace in an ordinary window: the extension is installed, not under development', async () => {
    const explorer = page.locator('.explorer-folders-view');
    for (const name of ['docs', 'src', 'README.md']) await explorer.locator('.monaco-list-row', { hasText: name }).first().waitFor();
    assert.match(await page.title(), /^sample-project\b/);
    assert.doesNotMatch(await page.title(), /Extension Development Host/);
    await screenshot('workbench');
  });

  test('opens a file at a line through Quick Open', async () => {
    const editor = await openFile('src/auth/session.ts', 12);
    assert.equal(editor.title, 'session.ts');
    assert.match(editor.path, /sample-project\/src\/auth\/session.ts$/);
    assert.equal(editor.line, 12);
    assert.equal(await statusBarItem('Ln 12,'), 'Ln 12, Col 1');
  });
});
