// Workspace RAG as a user sees it: the palette, the status bar, the sidebar panel and @rag in the Chat view.
import assert from 'node:assert/strict';
import {
  activeEditor, askChat, clearNotifications, outputChannel, page, runCommand, sample, screenshot, screenshotOf, statusBarItem, waitForNotification, webview,
} from './vscode.mjs';

const panel = () => webview();

/** Opens the Workspace RAG view in its activity-bar container; returns the panel's frame once it is ready. */
async function openPanel() {
  // Clicking the container's icon while its view is showing would close the side bar: check first.
  if (!(await panel().locator('#question').isVisible().catch(() => false))) {
    await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
  }
  await panel().locator('#question').waitFor({ timeout: 30_000 });
  return panel();
}

/** Asks in the panel and samples the newest turn while it streams. */
async function askPanel(question, { until = (t) => t.includes('FAKE-LM-DONE') } = {}) {
  const view = panel();
  const turns = view.locator('.turn');
  const before = await turns.count();
  await view.locator('#question').fill(question);
  await view.locator('#question').press('Enter');
  const turn = turns.nth(before);
  await turn.waitFor();
  return turn;
}

suite('Workspace RAG extension', () => {
  test('logs its activation to the "Workspace RAG" output channel', async () => {
    await outputChannel('Workspace RAG', { contains: 'Workspace RAG activated' });
  });

  test('Reindex Workspace from the palette indexes the fixture; the status bar shows its chunks', async () => {
    await clearNotifications();
    await runCommand('Workspace RAG: Reindex Workspace');
    const message = await waitForNotification('Workspace RAG: indexed');
    const [, files, chunks] = message.match(/indexed (\d+) files, (\d+) chunks/) ?? [];
    assert.ok(Number(files) >= 6 && Number(chunks) > 0, message);
    const status = await statusBarItem('RAG');
    assert.match(status, new RegExp(`RAG ${chunks}\\b`), `status bar: ${status}`);
  });

  test('the panel shows source cards before the first answer token, and the answer grows', async () => {
    const view = await openPanel();
    // Record every rendering inside the page itself: polling from the test misses renderings on a busy machine.
    await view.locator('#conversation').evaluate((conversation) => {
      const states = (window.__renderings = []);
      new MutationObserver(() => {
        const turn = conversation.querySelector('.turn:last-of-type');
        const text = turn?.querySelector('.answer')?.textContent?.trim() ?? '';
        if (text && states.at(-1)?.text !== text) states.push({ cards: turn.querySelectorAll('.source').length, text });
      }).observe(conversation, { childList: true, subtree: true, characterData: true });
    });
    const turn = await askPanel('How long does a session last before login is needed again?');
    await sample(turn.locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE'), timeout: 45_000 });
    const states = await view.locator('body').evaluate(() => window.__renderings);
    assert.ok(states[0].cards > 0, 'source cards were shown before the first token');
    assert.ok(states.length >= 3, `the answer grew over ${states.length} renderings`);
    assert.match(await turn.locator('.source .source-path').first().innerText(), /src\/auth\/session\.ts:\d+-\d+/);
    assert.match(await turn.locator('.meta').innerText(), /vscode · Fake LM/);
    await screenshot('panel-answer');
    await page.mouse.move(800, 500); // no tooltip of the activity bar over the picture
    await page.waitForTimeout(500);
    await screenshotOf(page.locator('.part.sidebar'), 'readme-panel'); // the README's picture of the panel
  });

  test('a citation chip highlights its card and opens the file at the source\'s first line', async () => {
    const turn = panel().locator('.turn').last();
    const card = turn.locator('.source[data-index="1"]');
    const [path, start] = [await card.getAttribute('data-path'), Number(await card.getAttribute('data-start'))];
    await turn.locator('.answer .cite[data-cite="1"]').first().click();
    await card.and(panel().locator('.highlight')).waitFor();
    await page.locator(`.tabs-container .tab.active[aria-label=${JSON.stringify(path.split('/').pop())}]`).waitFor();
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${start},` }).waitFor();
    const editor = await activeEditor();
    assert.equal(editor.line, start);
    await screenshot('citation-opened');
  });

  test('Stop ends a long answer, and Esc does too', async () => {
    await openPanel();
    for (const stopWith of ['button', 'Escape']) {
      const turn = await askPanel(`Explain sessions FAKE-LM-LONG (${stopWith})`);
      const answer = turn.locator('.answer');
      await sample(answer, { until: (t) => t.includes('long-part-3') });
      if (stopWith === 'button') await panel().locator('#stop').click();
      else await panel().locator('#question').press('Escape');
      await turn.locator('.stopped').waitFor({ timeout: 10_000 });
      const stoppedAt = await answer.innerText();
      await page.waitForTimeout(600);
      assert.equal(await answer.innerText(), stoppedAt, 'nothing arrives after Stop');
      assert.ok(!stoppedAt.includes('FAKE-LM-DONE'));
      assert.equal(await panel().locator('#stop').isHidden(), true);
    }
  });

  test('markup in workspace files is shown as text and never runs', async () => {
    const view = await openPanel();
    const dialogs = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    // Cards show the lines that best match the question: ask for the lines that hold markup.
    const turn = await askPanel('Which ZEBRA-INERT-MARKUP lines hold script and iframe tags?');
    await sample(turn.locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE') });
    const snippets = (await turn.locator('.source-snippet').allInnerTexts()).join('\n');
    assert.match(snippets, /<script>alert\('script ran'\)/, 'the markup is visible as text');
    assert.ok(await turn.locator('.source-snippet mark').count() > 0, 'the question\'s words are marked');
    // Only VS Code's API script and our own (with its nonce) may be there.
    const created = await view.locator('img, iframe, object, embed, script:not([nonce]):not(#_vscodeApiScript)').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 120)));
    assert.deepEqual(created, [], 'no element was created from file text');
    assert.equal(await view.locator('body').evaluate(() => String(window.__ragInjected ?? '')), '');
    assert.deepEqual(dialogs, []);
    await screenshot('panel-inert-markup');
  });

  test('markup in file names and in the model\'s answer is shown as text and never runs', async () => {
    const view = await openPanel();
    const dialogs = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    const turn = await askPanel('Which file has the ZEBRA-NAME-MARKER? FAKE-LM-HTML');
    const answer = turn.locator('.answer');
    await sample(answer, { until: (t) => t.includes('FAKE-LM-DONE') });
    assert.ok((await turn.locator('.source-path').allInnerTexts()).some((p) => p.startsWith('docs/<img src=x onerror=alert(1)>.md:')), 'the file name is shown as written');
    assert.match(await answer.innerText(), /<img src=x onerror="window.__ragInjected='answer-img'">/);
    assert.match(await answer.innerText(), /<script>window.__ragInjected='answer-script'<\/script>/);
    const created = await view.locator('img, iframe, object, embed, script:not([nonce]):not(#_vscodeApiScript)').count();
    assert.equal(created, 0);
    assert.equal(await view.locator('body').evaluate(() => String(window.__ragInjected ?? '')), '');
    assert.deepEqual(dialogs, []);
    await screenshot('panel-inert-answer');
  });

  test('the conversation survives hiding and showing the view', async () => {
    const before = await panel().locator('.turn').count();
    await page.locator('.activitybar .action-label[aria-label^="Explorer"]').first().click();
    await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
    await panel().locator('.turn').nth(before - 1).waitFor();
    assert.equal(await panel().locator('.turn').count(), before);
  });

  test('@rag in the Chat view answers with references to workspace files', async () => {
    const { text, renderings, response } = await askChat('@rag how are session tokens signed?');
    assert.match(text, /Fake LM answer: \d+ sources? in the prompt/);
    assert.ok(renderings.length >= 3, `streamed over ${renderings.length} renderings`);
    const references = await response.locator('.chat-used-context, .chat-content-references, .chat-references').first().innerText().catch(() => '');
    assert.ok(/tokens\.ts|session\.ts|reference/i.test(references + text), `references shown: ${references}`);
    await screenshot('chat-rag');
    await screenshotOf(page.locator('.interactive-session').first(), 'readme-chat', { below: response }); // the README's picture of @rag
  });
});
