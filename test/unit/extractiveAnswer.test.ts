import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractiveAnswer } from '../../src/engine/offline/extractiveAnswer';
import { CitationScanner } from '../../src/engine/citations';
import { source } from '../helpers/engineFakes';

const auth = source('src/auth/session.ts', [
  'import { sign } from "./jwt";',
  '',
  '// Sessions are authenticated with a signed token that expires after one hour.',
  'export function authenticate(user: User, password: string): Session {',
  '  if (!checkPassword(user, password)) throw new AuthError("bad password");',
  '  return { token: sign(user.id), expires: Date.now() + HOUR };',
  '}',
].join('\n'), 20);
const readme = source('README.md', '# Setup\n\nRun `npm install`.\n\n## Authentication\n\nUsers authenticate with a password; sessions expire after an hour.', 1);

describe('extractiveAnswer', () => {
  it('opens with the notice, then quotes relevant lines with their exact line numbers and citations', () => {
    const answer = extractiveAnswer('how does authentication work?', [auth, readme], 'NOTICE: no model.');
    const lines = answer.split('\n');
    assert.equal(lines[0], 'NOTICE: no model.');
    assert.match(answer, /- L22: `\/\/ Sessions are authenticated with a signed token that expires after one hour\.` \[1\]/);
    assert.match(answer, /- L23: `export function authenticate\(user: User, password: string\): Session \{` \[1\]/);
    assert.match(answer, /- L7: Users authenticate with a password; sessions expire after an hour\. \[2\]/);
    assert.doesNotMatch(answer, /import \{ sign \}/, 'lines without the question\'s words are left out');
  });

  it('quotes only text that is in the sources', () => {
    const answer = extractiveAnswer('password session expiry', [auth, readme], 'N');
    const quoted = [...answer.matchAll(/^- L(\d+): (?:`(.*)`|(.*)) \[(\d)\]$/gm)];
    assert.ok(quoted.length >= 3);
    for (const [, line, code, prose, n] of quoted) {
      const src = [auth, readme][Number(n) - 1];
      const actual = src.text.split('\n')[Number(line) - src.startLine];
      assert.ok(actual.includes(code ?? prose.replace(/^#+ /, '')), `line ${line} of ${src.path} is quoted exactly`);
    }
  });

  it('cites every quoted line, and every citation is valid for the given sources', () => {
    const answer = extractiveAnswer('authenticate password', [auth, readme], 'N');
    const scanner = new CitationScanner();
    const cited = [...scanner.push(answer).marks, ...scanner.flush().marks].flatMap((m) => m.numbers);
    assert.ok(cited.length >= 1);
    assert.ok(cited.every((n) => n === 1 || n === 2));
  });

  it('says so when nothing relevant was found, and is never empty', () => {
    const none = extractiveAnswer('kubernetes helm chart', [auth], 'N');
    assert.match(none, /^N\n\nNone of the lines I found mention the words of the question/);
    const empty = extractiveAnswer('anything', [], 'N');
    assert.match(empty, /I found nothing in the indexed files/);
  });

  it('fences code that contains backticks so the quote stays one code span', () => {
    const answer = extractiveAnswer('template literal', [source('t.ts', 'const templateLiteral = `x ${y}`;')], 'N');
    assert.match(answer, /``const templateLiteral = `x \$\{y\}`;`` \[1\]/);
  });
});
