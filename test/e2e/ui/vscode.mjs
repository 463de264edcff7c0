// Helpers for UI tests: one VS Code window (code-server in headless Chromium) shared by all UI test files, opened
// by hooks.mjs before the first test. Import what you need:  import { page, runCommand } from './vscode.mjs';
// Selectors were checked on VS Code 1.139; keep them here so a VS Code update is fixed in one place.
import path from 'node:path';
import { launchChromium, screenshotTo, workbenchUrl } from '../lib/browser.mjs';

export const EXTENSION_ID = 'workspace-rag.workspace-rag';
export const FAKE_MODEL_NAME = 'Fake LM';

/** The workbench page (a playwright Page); set by openWorkbench(). */
export let page;
let context;

/** Opens the fixture workspace with the extension under test; resolves when the workbench is usable. */
export async function openWorkbench({ folder = process.env.E2E_WORKSPACE_UI } = {}) {
  ({ context, page } = await launchChromium('ui'));
  await page.goto(workbenchUrl({ folder }));
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 }); // the folder is open
}

export async function closeWorkbench() {
  await context?.close();
}

const found = (locator, timeout) => locator.waitFor({ timeout }).then(() => true, () => false);

const byLabel = (label) => { // a quick-pick row's aria-label is its label, maybe followed by ", keybinding"
  const quoted = JSON.stringify(label);
  return `.quick-input-widget .monaco-list-row:is([aria-label=${quoted}], [aria-label^=${JSON.stringify(`${label},`)}])`;
};

/** Opens a quick pick with `open()`, types `filter` and clicks the row labelled `label`; retries when it is missing. */
async function choose(open, filter, label, { attempts = 6 } = {}) {
  for (let attempt = 1; ; attempt++) {
    await open();
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(filter);
    const row = page.locator(byLabel(label)).first();
    if (await found(row, 3000)) { await row.click(); return; }
    await page.keyboard.press('Escape');
    if (attempt >= attempts) throw new Error(`"${label}" was not offered after ${attempts} tries`);
  }
}

/**
 * Runs a command from the palette by its full label as shown there ("Workspace RAG: Reindex Workspace").
 * Retries: the palette does not list a command registered after it was opened.
 */
export function runCommand(label, { attempts = 6 } = {}) {
  return choose(() => page.keyboard.press('F1'), `>${label}`, label, { attempts });
}

/** Opens a workspace file through Quick Open, at `line` when given; returns activeEditor(). */
export async function openFile(relativePath, line) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(line ? `${relativePath}:${line}` : relativePath); // no ">": the palette searches files
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label=${JSON.stringify(relativePath.split('/').pop())}]`).waitFor();
  if (line) await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
  return activeEditor();
}

/** The active editor: tab title, absolute path (for files) and cursor position (read from the status bar). */
export async function activeEditor() {
  const tab = page.locator('.tabs-container .tab.active').first();
  const title = await tab.getAttribute('aria-label');
  const path = await tab.locator('.monaco-icon-label').first().getAttribute('aria-label').catch(() => null);
  const position = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText().catch(() => '');
  const [, line, column] = position.match(/Ln (\d+), Col (\d+)/) ?? [];
  return { title, path, line: Number(line), column: Number(column) };
}

/** Shows an output channel (e.g. 'Workspace RAG') in the Output panel and returns its text, once it has `contains`. */
export async function outputChannel(name, { contains = '' } = {}) {
  await choose(() => runCommand('Output: Show Output Channels...'), name, name); // retried: channels appear late
  const lines = page.locator('.part.panel .output-view .monaco-editor .view-lines', { hasText: contains }).first();
  await lines.waitFor();
  return lines.innerText();
}

/**
 * The inside of an extension's webview view or panel (a FrameLocator): VS Code puts the webview in an outer
 * iframe in a workbench overlay (not inside the sidebar's DOM) and the content in an inner iframe#active-frame.
 */
export function webview(extensionId = EXTENSION_ID) {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).frameLocator('iframe#active-frame');
}

/** Opens the Chat view and waits until the fake model is selectable there. */
export async function openChat() {
  const input = page.locator('.interactive-input-part .monaco-editor').first();
  if (!(await input.isVisible())) await runCommand('Chat: Open Chat');
  await input.waitFor({ state: 'visible' });
  await page.locator('.interactive-input-part .chat-input-toolbars', { hasText: FAKE_MODEL_NAME }).first().waitFor({ timeout: 60_000 });
  return input;
}

/**
 * Sends `text` (e.g. '@rag how long does a session last?') in the Chat view and samples the newest response while
 * it streams, until `until(text)` holds. Returns the final text and every distinct rendering seen on the way.
 */
export async function askChat(text, { until = (t) => t.includes('FAKE-LM-DONE'), timeout = 45_000 } = {}) {
  const input = await openChat();
  // The chat list renders only the rows in view, so after a long conversation counting rows cannot find the
  // new response: it is the last row, once that row no longer shows the previous response's text.
  const response = page.locator('.interactive-item-container.interactive-response').last();
  const previous = (await response.count()) ? (await response.innerText()).replace(/\s+/g, ' ').trim() : undefined;
  await input.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText, not type(): typed keys race the "@participant" suggestions, which can replace the mention
  await page.keyboard.insertText(text);
  const typed = async () => (await input.locator('.view-lines').innerText()).replace(/\s+/g, ' ').trim();
  if ((await typed()) !== text.replace(/\s+/g, ' ').trim()) throw new Error(`chat input holds ${JSON.stringify(await typed())}, not the question`);
  if (await page.locator('.interactive-input-part .suggest-widget.visible').count()) await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  const renderings = (await sample(response, { until: (t) => t !== previous && until(t), timeout })).filter((t) => t !== previous);
  return { text: renderings[renderings.length - 1] ?? '', renderings, response };
}

/**
 * Reads `locator`'s text every `interval` ms until `until(text)` holds; returns the distinct texts seen, in order
 * (proof that something rendered progressively). Throws with the last text after `timeout` ms.
 */
export async function sample(locator, { until, interval = 50, timeout = 30_000 }) {
  const seen = [];
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = (await locator.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
    if (text && seen[seen.length - 1] !== text) seen.push(text);
    if (until(text)) return seen;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms; last text: ${JSON.stringify(text.slice(0, 500))}`);
    await page.waitForTimeout(interval);
  }
}

/**
 * The messages in the notification center. With the smoke-test driver on (needed for the URL payload) VS Code
 * shows no toasts: notifications only reach the center.
 */
export async function notifications() {
  await runCommand('Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor();
  const messages = await center.locator('.notification-list-item-message').allInnerTexts();
  await page.keyboard.press('Escape');
  return messages;
}

/** Waits until a notification containing `text` is in the notification center; returns its full message. */
export async function waitForNotification(text, { timeout = 30_000 } = {}) {
  await runCommand('Notifications: Show Notifications');
  const message = page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
  try {
    await message.waitFor({ timeout }); // the open center shows new notifications as they come
    return (await message.innerText()).trim();
  } finally {
    await page.keyboard.press('Escape');
  }
}

/** Empties the notification center (so a test can wait for a notification it causes itself). */
export function clearNotifications() {
  return runCommand('Notifications: Clear All Notifications');
}

/** The text of the first status bar item whose text contains `text`, e.g. statusBarItem('chunks'). */
export async function statusBarItem(text) {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  await item.waitFor();
  return (await item.innerText()).trim();
}

/** Saves a screenshot of the whole window to .e2e-work/shots/NAME.png; returns its path. */
export function screenshot(name) {
  return screenshotTo(page, name);
}

/**
 * Saves a screenshot of one part of the window (a playwright Locator) to .e2e-work/shots/NAME.png, cut off a
 * little below `below` when given (a chat response, without the empty view under it); returns its path.
 */
export async function screenshotOf(locator, name, { below } = {}) {
  const file = path.join(process.env.E2E_SHOTS, `${name}.png`);
  const box = await locator.boundingBox();
  const bottom = below ? Math.min(box.y + box.height, (await below.boundingBox()).y + (await below.boundingBox()).height + 12) : box.y + box.height;
  await page.screenshot({ path: file, clip: { x: box.x, y: box.y, width: box.width, height: bottom - box.y } });
  return file;
}
