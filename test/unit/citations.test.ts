import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CitationScanner } from '../../src/engine/citations';

/** Feeds the pieces; returns what each push released (text, with marks as <offset:numbers>) and the joined text. */
function scan(...pieces: string[]): { released: string[]; marks: string[]; text: string } {
  const scanner = new CitationScanner();
  const released: string[] = [];
  const marks: string[] = [];
  for (const out of [...pieces.map((p) => scanner.push(p)), scanner.flush()]) {
    released.push(out.text);
    for (const m of out.marks) marks.push(`${m.offset}+${m.length}:${m.numbers.join(',')}`);
  }
  return { released, marks, text: released.join('') };
}

describe('CitationScanner', () => {
  it('finds a citation split across pieces, and holds it back until the next character decides it', () => {
    const r = scan('as shown ', '[', '1', '2', ']', '.');
    assert.deepEqual(r.released, ['as shown ', '', '', '', '', '[12].', '']);
    assert.deepEqual(r.marks, ['9+4:12']);
  });

  it('reads lists and adjacent citations, with their offsets in the whole answer', () => {
    const r = scan('both [1, 3] and [2][4]');
    assert.equal(r.text, 'both [1, 3] and [2][4]');
    assert.deepEqual(r.marks, ['5+6:1,3', '16+3:2', '19+3:4']);
  });

  it('ignores array indexing, escaped brackets, a bracket after a parenthesis, links and prose in brackets', () => {
    const r = scan('items[1] and \\[2] and (see above)[3] and [docs](x) and [see 3] and [4](https://x.y)');
    assert.deepEqual(r.marks, []);
    assert.equal(r.text, 'items[1] and \\[2] and (see above)[3] and [docs](x) and [see 3] and [4](https://x.y)');
  });

  it('decides a mark that ends the answer, and one that ends a piece before a link parenthesis', () => {
    assert.deepEqual(scan('end [2]').marks, ['4+3:2']);
    assert.deepEqual(scan('a [2]', '(https://x)').marks, []);
  });

  it('ignores citations inside inline code and fenced code blocks, and resumes after them', () => {
    const r = scan('use `arr [1]` then ', '[2]\n```ts\nconst x = [3];\n', '```\nafter [4]');
    assert.deepEqual(r.marks.map((m) => m.split(':')[1]), ['2', '4']);
  });

  it('does not let an unmatched backtick switch citations off for the rest of the answer', () => {
    assert.deepEqual(scan('a stray ` tick\n', 'then [5]').marks, ['20+3:5']);
  });

  it('never loses or reorders text, whatever the pieces', () => {
    const answer = 'See [1], [2, 3](x) and `[4]` \\[5] [ab] [6';
    for (let cut = 0; cut <= answer.length; cut++) {
      assert.equal(scan(answer.slice(0, cut), answer.slice(cut)).text, answer);
    }
  });
});
