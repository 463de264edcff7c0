// Entry of the extension-host suite: the @vscode/test-electron contract (extensionTestsPath → run(): Promise<void>).
// run.mjs bundles each file here into .e2e-work/tools/ext-tests/, next to the mocha it installs. Mocha's reporter
// would print into the extension host's log, so every result is appended as a JSON line to $E2E_EXTHOST_RESULTS
// instead; lib/ext-host-driver.mjs prints them as they come.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface MochaTest { fullTitle(): string; duration?: number; title: string }

export function run(): Promise<void> {
  const results = process.env.E2E_EXTHOST_RESULTS;
  if (!results) return Promise.reject(new Error('E2E_EXTHOST_RESULTS is not set: run the suite through npm run test:e2e'));
  const write = (record: object) => fs.appendFileSync(results, JSON.stringify(record) + '\n');
  const Mocha = require('mocha'); // resolved at run time from .e2e-work/tools/node_modules
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: Mocha.reporters.Base, grep: process.env.E2E_GREP || undefined });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  write({ event: 'start', vscode: vscode.version, files });
  return new Promise((resolve, reject) => {
    const counts = { passes: 0, failures: 0, pending: 0 };
    try {
      const runner = mocha.run((failures: number) => {
        write({ event: 'end', ...counts });
        failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve();
      });
      runner.on('suite', (s: MochaTest) => s.title && write({ event: 'suite', title: s.fullTitle() }));
      runner.on('pass', (t: MochaTest) => { counts.passes++; write({ event: 'pass', title: t.title, ms: t.duration }); });
      runner.on('pending', (t: MochaTest) => { counts.pending++; write({ event: 'pending', title: t.title }); });
      runner.on('fail', (t: MochaTest, err: Error) => { counts.failures++; write({ event: 'fail', title: t.title, error: String(err?.stack ?? err) }); });
    } catch (err) { // a test file that throws while loading
      write({ event: 'fail', title: 'loading the test files', error: String((err as Error)?.stack ?? err) });
      write({ event: 'end', ...counts, failures: counts.failures + 1 });
      reject(err);
    }
  });
}
