import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyContent } from '../../src/engine/indexing/fileContent';

describe('classifyContent', () => {
  it('calls a file with NUL bytes binary, whatever its name', () => {
    assert.deepEqual(classifyContent(new Uint8Array([0x63, 0x6f, 0x00, 0x6e])), { kind: 'binary' });
  });

  it('calls very long lines minified', () => {
    assert.deepEqual(classifyContent(Buffer.from('var a=1;'.repeat(2000))), { kind: 'minified' });
    assert.equal(classifyContent(Buffer.from('short line\n'.repeat(2000))).kind, 'text');
  });

  it('decodes UTF-16 with a byte-order mark, both byte orders', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo wörld', 'utf16le')]);
    assert.deepEqual(classifyContent(le), { kind: 'text', text: 'héllo wörld' });
    const be = Buffer.from(le.subarray(2)).swap16();
    assert.deepEqual(classifyContent(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { kind: 'text', text: 'héllo wörld' });
  });

  it('keeps invalid UTF-8 as text with replacement characters instead of failing', () => {
    const verdict = classifyContent(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]));
    assert.deepEqual(verdict, { kind: 'text', text: 'a\ufffd\ufffdb\ufffd' });
  });

  it('drops a UTF-8 byte-order mark', () => {
    assert.deepEqual(classifyContent(Buffer.from('\ufeffexport const x = 1;')), { kind: 'text', text: 'export const x = 1;' });
  });
});
