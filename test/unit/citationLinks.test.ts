import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CitationLinker } from '../../src/extension/citationLinks';

const linker = () => new CitationLinker((n) => (n <= 3 ? `[[${n}]](cmd:${n})` : undefined));

function stream(pieces: string[]): string {
  const l = linker();
  return pieces.map((p) => l.push(p)).join('') + l.flush();
}

describe('CitationLinker (chat answers)', () => {
  it('links citations that arrive split across pieces, and lists', () => {
    assert.equal(stream(['See ', '[', '1', ']', ' and [2, 3].']), 'See [[1]](cmd:1) and [[2]](cmd:2)[[3]](cmd:3).');
  });

  it('holds back a possible citation until it is complete, and never loses text', () => {
    const l = linker();
    assert.equal(l.push('text [1'), 'text ');
    assert.equal(l.push('2] more'), '[12] more', 'no source 12: left as written');
    assert.equal(l.push(' [abc'), ' [abc');
    assert.equal(l.flush(), '');
  });

  it('leaves code, Markdown links and array indexing alone', () => {
    assert.equal(stream(['`a[1]` and items[2] and [3](http://x) and\n```\nx = [1]\n```\n[1]']),
      '`a[1]` and items[2] and [3](http://x) and\n```\nx = [1]\n```\n[[1]](cmd:1)');
  });
});
