// Mocha's spec reporter, plus the counts in $E2E_UI_STATS for run.mjs's closing "N passed, N failed" line.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('node:module').createRequire(path.join(process.env.E2E_TOOLS, 'package.json'))('mocha');

class UiReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => fs.writeFileSync(process.env.E2E_UI_STATS, JSON.stringify(this.stats)));
  }
}
module.exports = UiReporter;
