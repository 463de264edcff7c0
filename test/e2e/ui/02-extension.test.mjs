// Workspace RAG as a user sees it. The extension has no UI contributions yet, so nothing activates it from the UI:
// the fake-lm test extension's command does. Once it contributes commands and views, test those here.
import { EXTENSION_ID, outputChannel, page, runCommand, screenshot, waitForNotification } from './vscode.mjs';

suite('Workspace RAG extension', () => {
  suiteSetup(async () => {
    await runCommand('Fake LM: Activate the Extension Under Test');
    await waitForNotification(`Activated ${EXTENSION_ID}`);
  });

  test('logs its activation to the "Workspace RAG" output channel', async () => {
    await outputChannel('Workspace RAG', { contains: 'Workspace RAG activated' });
    await screenshot('output-channel');
  });

  test('is listed in Running Extensions', async () => {
    await runCommand('Developer: Show Running Extensions');
    // a development extension is listed by its id on 1.139
    await page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: EXTENSION_ID }).first().waitFor();
    await screenshot('running-extensions');
    await page.keyboard.press('Escape'); // the editor opens as a modal
    await page.locator('.runtime-extensions-editor').waitFor({ state: 'detached' });
  });
});
