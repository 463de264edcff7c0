// Reaching the index from agents and other programs, as a user sees it: the search tool in the Chat view's tool
// picker, and the page of `workspace-rag serve` in a browser (the panel's own code, speaking HTTP).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, screenshotTo } from '../lib/browser.mjs';
import { openChat, page, screenshot } from './vscode.mjs';

suite('Agents and other programs', () => {
  test('the workspaceRag_search tool is offered in the Chat view\'s tool picker', async () => {
    await openChat();
    await page.locator('.interactive-input-part .action-label[aria-label^="Configure Tools"]').first().click();
    const filter = page.locator('.quick-input-widget input.input');
    await filter.waitFor({ state: 'visible' });
    await filter.fill('ragSearch');
    const group = page.locator('.quick-input-widget .monaco-list-row[aria-label="Workspace RAG"]').first();
    await group.waitFor();
    const tool = page.locator('.quick-input-widget .monaco-list-row[aria-label^="ragSearch,"]').first();
    if (!(await tool.isVisible())) await group.locator('.monaco-tl-twistie').click(); // the extension's group starts collapsed
    await tool.waitFor();
    assert.match(await tool.getAttribute('aria-label'), /Find the passages of this workspace's code and docs/);
    await screenshot('chat-tool-picker');
    await page.keyboard.press('Escape');
  });

  suite('the page of workspace-rag serve, in headless Chromium', () => {
    let server;
    let browser;
    let url;

    suiteSetup(async function () {
      this.timeout(60_000);
      const work = process.env.E2E_WORK;
      const workspace = path.join(work, 'ws', 'http', 'sample-project');
      fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
      fs.cpSync(path.join(process.env.E2E_REPO, 'test/e2e/fixtures/sample-project'), workspace, { recursive: true });
      // The command-line tool of this checkout: the .vsix ships only what the extension runs.
      const cli = path.join(process.env.E2E_REPO, 'dist/cli.js');
      server = spawn(process.execPath, [cli, 'serve', '--workspace', workspace, '--index-dir', path.join(work, 'tmp', 'http-index'), '--port', '0', '--provider', 'offline'],
        { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      url = await new Promise((resolve, reject) => {
        server.stderr.on('data', (d) => {
          stderr += d;
          const match = /serving .* at (http:\/\/\S+\/)/.exec(stderr);
          if (match) resolve(match[1]);
        });
        server.on('exit', (code) => reject(new Error(`workspace-rag serve exited (${code}): ${stderr}`)));
      });
      browser = await launchChromium('http-page');
    });

    suiteTeardown(async () => {
      await browser?.context.close();
      server?.kill('SIGTERM');
    });

    test('asks: source cards before the first token, an answer that grows, a citation chip that highlights its card', async () => {
      const { page: web } = browser;
      await web.setViewportSize({ width: 1000, height: 900 });
      await web.goto(url);
      await web.locator('#index-state', { hasText: /\d+ files · \d+ chunks/ }).waitFor({ timeout: 30_000 });
      assert.match(await web.locator('#model').innerText(), /offline/);
      // Record, inside the page, when the first card and each rendering of the answer appear.
      await web.evaluate(() => {
        const seen = { firstCardAt: 0, renderings: [] };
        window.__seen = seen;
        new MutationObserver(() => {
          if (!seen.firstCardAt && document.querySelector('.source')) seen.firstCardAt = performance.now();
          const text = document.querySelector('.answer')?.textContent ?? '';
          if (text && text !== seen.renderings.at(-1)?.text) seen.renderings.push({ at: performance.now(), text });
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await web.locator('#question').fill('how long does a session last?');
      await web.locator('#question').press('Enter');
      await web.locator('.turn[data-status="done"]').waitFor({ timeout: 30_000 });
      const seen = await web.evaluate(() => window.__seen);
      assert.ok(seen.firstCardAt > 0 && seen.renderings.length > 0);
      assert.ok(seen.firstCardAt < seen.renderings[0].at, 'the source cards showed before the first token');
      assert.ok(seen.renderings.length >= 3, `the answer grew over ${seen.renderings.length} renderings`);
      assert.match(await web.locator('.source .source-path').first().innerText(), /^src\/auth\/session\.ts:\d+-\d+$/);
      assert.match(seen.renderings.at(-1).text, /Sessions last one hour/);

      const chip = web.locator('.answer .cite').first();
      const number = await chip.getAttribute('data-cite');
      await chip.click();
      const card = web.locator(`.source[data-index="${number}"]`);
      assert.match(await card.getAttribute('class'), /\bhighlight\b/, 'the chip highlights the card it cites');
      console.log(`      screenshot: ${await screenshotTo(web, 'http-page')}`);
    });
  });
});
