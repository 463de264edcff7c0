import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CitationTracker } from '../../src/engine/citations';

function citationsOf(...tokens: string[]): number[][] {
  const tracker = new CitationTracker();
  return tokens.map((token) => tracker.push(token));
}

describe('CitationTracker', () => {
  it('completes a citation on the token that closes it, even one character at a time', () => {
    assert.deepEqual(citationsOf('as shown ', '[', '1', '2', ']', '.'), [[], [], [], [], [12], []]);
  });

  it('reads lists and adjacent citations', () => {
    assert.deepEqual(citationsOf('both [1, 3] and [2][4]'), [[1, 3, 2, 4]]);
  });

  it('ignores array indexing, escaped brackets, links and prose in brackets', () => {
    assert.deepEqual(citationsOf('items[1] and \\[2] and [docs](x) and [see 3]'), [[]]);
  });

  it('ignores citations inside inline code and fenced code blocks, and resumes after them', () => {
    const tracker = new CitationTracker();
    assert.deepEqual(tracker.push('use `arr [1]` then '), []);
    assert.deepEqual(tracker.push('[2]\n```ts\nconst x = [3];\n'), [2]);
    assert.deepEqual(tracker.push('```\nafter [4]'), [4]);
  });

  it('does not let an unmatched backtick switch citations off for the rest of the answer', () => {
    assert.deepEqual(citationsOf('a stray ` tick\n', 'then [5]'), [[], [5]]);
  });
});
