// Mocha root hooks for the UI suite: one VS Code window for all test files, and a screenshot of every failure.
import { closeWorkbench, openWorkbench, page, screenshot } from './vscode.mjs';

export const mochaHooks = {
  async beforeAll() {
    this.timeout(180_000);
    try {
      await openWorkbench();
    } catch (err) {
      if (page) console.error(`  screenshot: ${await screenshot('FAILED-open-workbench').catch(() => '(none)')}`);
      throw err;
    }
  },
  async afterEach() {
    if (this.currentTest?.state === 'failed' && page) {
      console.error(`  screenshot: ${await screenshot(`FAILED-${this.currentTest.fullTitle()}`).catch(() => '(none)')}`);
      await page.keyboard.press('Escape').catch(() => {}); // close what the failed test left open (palette, modal)
    }
  },
  async afterAll() {
    await closeWorkbench();
  },
};
