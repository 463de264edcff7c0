// Runs the extension-host suite: opens a VS Code window whose URL payload carries extensionTestsPath (the
// @vscode/test-electron contract), then follows the JSON lines test/e2e/extensionHost/index.ts appends to
// $E2E_EXTHOST_RESULTS, printing each result as it comes. Exit code 0 when all passed.
import fs from 'node:fs';
import { launchChromium, screenshotTo, workbenchUrl } from './browser.mjs';

const RESULTS = process.env.E2E_EXTHOST_RESULTS; // appended to by the suite
const SUMMARY = process.env.E2E_EXTHOST_SUMMARY; // read by run.mjs
const START_TIMEOUT = 120_000; // the window loads and the extension host starts the suite
const IDLE_TIMEOUT = 120_000; // no result line for this long: something hangs (mocha's own per-test timeout is 60 s)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

fs.rmSync(RESULTS, { force: true });
const { context, page } = await launchChromium('ext-host');
await page.goto(workbenchUrl({ folder: process.env.E2E_WORKSPACE_EXTHOST, testsPath: process.env.E2E_EXTHOST_TESTS }), { timeout: START_TIMEOUT }); // a busy machine can take over 30 s

let seen = 0, end, started = false, lastResult = Date.now();
const counts = { passes: 0, failures: 0, pending: 0 };
while (!end) {
  const lines = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8').split('\n').filter(Boolean) : [];
  for (const line of lines.slice(seen)) {
    const r = JSON.parse(line);
    lastResult = Date.now();
    if (r.event === 'start') { started = true; console.log(`  extension host: VS Code ${r.vscode}, ${r.files.length} test file(s)`); }
    if (r.event === 'suite') console.log(`  ${r.title}`);
    if (r.event === 'pass') { counts.passes++; console.log(`    ✓ ${r.title} (${r.ms} ms)`); }
    if (r.event === 'pending') { counts.pending++; console.log(`    - ${r.title} (skipped)`); }
    if (r.event === 'fail') { counts.failures++; console.log(`    ✗ ${r.title}\n${r.error.replace(/^/gm, '        ')}`); }
    if (r.event === 'end') end = r;
  }
  seen = lines.length;
  const waited = Date.now() - lastResult;
  if (!end && (started ? waited > IDLE_TIMEOUT : waited > START_TIMEOUT)) {
    const shot = await screenshotTo(page, 'FAILED-ext-host-no-progress').catch(() => '(no screenshot)');
    console.error(`  extension-host suite: ${started ? 'no result' : 'did not start'} within ${waited / 1000} s; screenshot ${shot}`);
    counts.failures++;
    break;
  }
  if (!end) await sleep(200);
}
await context.close().catch(() => {});
console.log(`  extension host: ${counts.passes} passing, ${counts.failures} failing${counts.pending ? `, ${counts.pending} skipped` : ''}`);
fs.writeFileSync(SUMMARY, JSON.stringify(counts));
process.exit(counts.failures || !end ? 1 : 0);
