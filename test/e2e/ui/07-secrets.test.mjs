// Secrets never leave the machine, through the installed extension: the UI workspace holds a billing service
// full of secrets (test/fixtures/canaryWorkspace.mjs; its .ragignore re-includes its .env, and its vault/ folder
// has an ignore file that cannot be read). Checked only through what a user and the model see: the panel's DOM,
// the Chat view, the prompts the fake model received, the output channel and every file of the profile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { askChat, outputChannel, page, sample, webview } from './vscode.mjs';

const { canaries, folder, hiddenFile } = JSON.parse(fs.readFileSync(process.env.E2E_CANARIES, 'utf8'));
const leaked = (text) => canaries.filter((canary) => text.includes(canary));
const OUT_OF_INDEX = [`${folder}/${hiddenFile}`, `${folder}/id_rsa`, `${folder}/deploy.pem`];

async function askPanel(question) {
  const view = webview();
  if (!(await view.locator('#question').isVisible().catch(() => false))) {
    await page.locator('.activitybar .action-label[aria-label^="Workspace RAG"]').first().click();
  }
  await view.locator('#question').waitFor({ timeout: 30_000 });
  const turns = view.locator('.turn');
  const before = await turns.count();
  await view.locator('#question').fill(question);
  await view.locator('#question').press('Enter');
  const turn = turns.nth(before);
  await sample(turn.locator('.answer'), { until: (t) => t.includes('FAKE-LM-DONE'), timeout: 45_000 });
  return turn;
}

function filesUnder(root) {
  let all = '';
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1') + '\n';
  }
  return all;
}

suite('Secrets in the workspace (installed extension)', () => {
  test('the panel shows the billing sources with their secret values redacted', async () => {
    const turn = await askPanel('In the billing service: the stripe key in config.ts, and the DATABASE_URL, OPENAI_API_KEY and JWT_SECRET in .env?');
    const paths = await turn.locator('.source .source-path').allInnerTexts();
    const snippets = (await turn.locator('.source-snippet').allInnerTexts()).join('\n');
    assert.ok(paths.some((p) => p.startsWith(`${folder}/src/config.ts:`)) && paths.some((p) => p.startsWith(`${folder}/.env:`)), paths.join(', '));
    assert.match(snippets, /stripeKey = "«redacted: stripe-key»"/);
    assert.match(snippets, /DATABASE_URL=postgres:\/\/admin:«redacted: url-password»@db\.internal\.example/);
    assert.ok(!paths.some((p) => OUT_OF_INDEX.some((out) => p.startsWith(`${out}:`))), paths.join(', '));
    assert.deepEqual(leaked(await turn.innerText()), []);
  });

  test('@rag in Chat answers about the billing secrets without showing one', async () => {
    const { text, renderings } = await askChat('@rag which stripe key, AWS access key and database password does billing use?');
    assert.match(text, /Fake LM answer: [1-9]\d* sources? in the prompt/);
    assert.deepEqual(leaked(renderings.join('\n')), []); // every rendering of the response, references included
  });

  test('no secret reached the model\'s prompts, the log, or any file of the profile (the index included)', async () => {
    const requests = fs.readFileSync(process.env.E2E_FAKE_LM_LOG, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.event === 'request');
    const prompts = requests.map((r) => r.prompt).join('\n');
    assert.match(prompts, /«redacted: stripe-key»/, 'the billing passages were in a prompt, redacted');
    assert.deepEqual(leaked(prompts), []);
    const log = (await outputChannel('Workspace RAG', { contains: 'vault/.ragignore' })).replace(/\s+/g, ' '); // the view wraps lines
    assert.match(log, /Left out the folder of .*vault\/\.ragignore: the file cannot be read/);
    assert.deepEqual(leaked(log), []);
    assert.deepEqual(leaked(filesUnder(process.env.E2E_PROFILE)), []);
  });
});
