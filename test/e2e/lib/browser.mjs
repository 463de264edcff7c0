// Opening VS Code (code-server) in headless Debian Chromium; shared by the UI suite and the extension-host driver.
// playwright-core lives in .e2e-work/tools (installed by run.mjs), not in the project's node_modules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set: run the suites through npm run test:e2e`); })();
const { chromium } = createRequire(path.join(env('E2E_TOOLS'), 'package.json'))('playwright-core');

/**
 * The workbench URL for `folder`. The extension under test is the one installed from the .vsix; a test suite
 * (`testsPath`, run inside the extension host) needs a development path, so the installed folder is given as one.
 */
export function workbenchUrl({ folder, testsPath }) {
  const base = new URL(env('E2E_BASE_URL'));
  const remote = (p) => `vscode-remote://${base.host}${p}`;
  const url = `${base.origin}/?folder=${encodeURIComponent(folder)}`;
  if (!testsPath) return url;
  const payload = [['extensionDevelopmentPath', remote(env('E2E_EXTENSION_PATH'))], ['extensionTestsPath', remote(testsPath)]];
  return `${url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Chromium with a fresh profile; browser console errors go to .e2e-work/logs/browser-NAME.log. */
export async function launchChromium(name) {
  const profile = path.join(env('E2E_WORK'), 'chromium', name);
  fs.rmSync(profile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1600, height: 1000 },
    // without the networking flags Chromium keeps trying hosts this machine cannot reach
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? await context.newPage();
  const consoleLog = path.join(env('E2E_LOGS'), `browser-${name}.log`);
  page.on('console', (m) => { if (m.type() === 'error') fs.appendFileSync(consoleLog, `[console.error] ${m.text()}\n`); });
  page.on('pageerror', (e) => fs.appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e}\n`));
  return { context, page };
}

/** A PNG in .e2e-work/shots/ named after `name`; returns its path. */
export async function screenshotTo(page, name) {
  const file = path.join(env('E2E_SHOTS'), `${name.replace(/[^\w.-]+/g, '-').slice(0, 100)}.png`);
  await page.screenshot({ path: file });
  return file;
}
