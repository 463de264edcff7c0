// Conversations that persist: the panel's conversation survives a window reload, earlier ones can be reopened or
// deleted from the list (by mouse and by keyboard), and a follow-up after the reload sends the conversation's
// earlier question to the model as history.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { page, runCommand, sample, screenshotOf, webview } from './vscode.mjs';

const FIRST = 'How long does a session last? (conversation one)';
const SECOND = 'Where is the connection pool size set? (conversation two)';
const FOLLOW_UP = 'And what is its default? (follow-up in conversation two)';

async function openPanel() {
  const view = webview();
  if (!(await view.locator('#question').isVisible().catch(() => false))) {
    await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
  }
  await view.locator('#question').waitFor({ timeout: 60_000 });
  return view;
}

/** Asks in the panel and waits for the whole answer. */
async function ask(question) {
  const view = webview();
  const turns = view.locator('.turn');
  const before = await turns.count();
  await view.locator('#question').fill(question);
  await view.locator('#question').press('Enter');
  await sample(turns.nth(before).locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE'), timeout: 45_000 });
  await view.locator('.turn').nth(before).and(view.locator('.turn[data-status="done"]')).waitFor();
}

const questions = async (view) => (await view.locator('.turn .question').allInnerTexts()).map((q) => q.trim());
const conversationRow = (view, text) => view.locator('#conversation-list .open-conversation', { hasText: text });

async function reloadWindow() {
  // The command returns before the page goes: wait for the new document, not for the old workbench's parts.
  const reloaded = page.waitForEvent('load', { timeout: 90_000 });
  await runCommand('Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90_000 });
  return openPanel();
}

function lastPrompt() {
  const requests = fs.readFileSync(process.env.E2E_FAKE_LM_LOG, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.event === 'request');
  return requests.at(-1)?.prompt ?? '';
}

suite('Conversations that persist', () => {
  test('a conversation survives a window reload, and its follow-up sends the earlier question as history', async () => {
    let view = await openPanel();
    await view.locator('#new-conversation').click();
    await ask(FIRST);
    await view.locator('#new-conversation').click();
    await view.locator('.turn').first().waitFor({ state: 'detached', timeout: 10_000 }); // the host answers the click
    assert.deepEqual(await questions(view), [], 'a new conversation starts empty');
    await ask(SECOND);
    await view.locator('#conversations-toggle', { hasText: 'Conversations (' }).waitFor(); // saved: the list counts it

    view = await reloadWindow();
    await view.locator('.turn .question', { hasText: SECOND }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await questions(view), [SECOND], 'the conversation shown before the reload is shown again');
    assert.match(await view.locator('.turn .answer').first().innerText(), /FAKE-LM-DONE/);
    assert.ok(await view.locator('.turn .source').count() > 0, 'with its source cards');

    await ask(FOLLOW_UP);
    const prompt = lastPrompt();
    assert.ok(prompt.includes(SECOND), 'the follow-up\'s prompt holds the earlier question of the conversation');
    assert.ok(!prompt.includes(FIRST), 'and nothing of another conversation');
  });

  test('the list reopens an earlier conversation and deletes one, by mouse and by keyboard; both survive a reload', async () => {
    let view = await openPanel();
    const toggle = view.locator('#conversations-toggle');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await conversationRow(view, FIRST).waitFor();
    assert.equal(await conversationRow(view, SECOND).getAttribute('aria-current'), 'true', 'the shown conversation is marked');
    assert.match(await conversationRow(view, SECOND).innerText(), /2 questions/);
    await screenshotOf(page.locator('.part.sidebar'), 'panel-conversations');

    await conversationRow(view, FIRST).click();
    await view.locator('.turn .question', { hasText: FIRST }).waitFor();
    assert.deepEqual(await questions(view), [FIRST]);
    assert.equal(await view.locator('#conversation-list').isHidden(), true, 'opening closes the list');

    // Keyboard only: open the list, move to the second conversation, delete it with the Delete key.
    await toggle.focus();
    await toggle.press('Enter');
    const focused = () => view.locator('#conversation-list .open-conversation:focus').innerText();
    for (let i = 0; i < 5 && !(await focused()).includes(SECOND); i++) await page.keyboard.press('ArrowDown');
    assert.match(await focused(), /conversation two/);
    await page.keyboard.press('Delete');
    await conversationRow(view, SECOND).waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    assert.equal(await view.locator('#conversation-list').isHidden(), true, 'Esc closes the list');
    assert.deepEqual(await questions(view), [FIRST], 'deleting another conversation leaves the shown one');

    view = await reloadWindow();
    await view.locator('.turn .question', { hasText: FIRST }).waitFor({ timeout: 60_000 });
    await view.locator('#conversations-toggle').click();
    await conversationRow(view, FIRST).waitFor();
    assert.equal(await conversationRow(view, SECOND).count(), 0, 'the deleted conversation stays deleted');
    await page.keyboard.press('Escape');
  });
});
