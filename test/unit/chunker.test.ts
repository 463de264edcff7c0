import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkFile, embeddingText } from '../../src/engine/indexing/chunker';
import { countTokens } from '../../src/engine/tokens';

function functionBlock(name: string, lines: number): string[] {
  return [`/** Explains ${name}. */`, `export function ${name}(input: string): string {`, ...Array.from({ length: lines }, (_, i) => `  const step${i} = input.repeat(${i}); // ${name} work`), '  return input;', '}', ''];
}

describe('chunkFile', () => {
  it('covers every line exactly once, with 1-based inclusive line numbers', () => {
    const lines = [...functionBlock('alpha', 30), ...functionBlock('beta', 30), ...functionBlock('gamma', 30)];
    const text = lines.join('\n');
    const chunks = chunkFile('src/x.ts', text);
    assert.ok(chunks.length >= 3);
    let expected = 1;
    for (const chunk of chunks) {
      assert.equal(chunk.startLine, expected, 'chunks are contiguous');
      assert.equal(chunk.text, lines.slice(chunk.startLine - 1, chunk.endLine).join('\n'));
      expected = chunk.endLine + 1;
    }
    assert.equal(expected - 1, lines.length - 1, 'every line but the trailing empty one');
  });

  it('cuts before top-level declarations, keeping their doc comments with them', () => {
    const lines = [...functionBlock('alpha', 30), ...functionBlock('beta', 30)];
    const chunks = chunkFile('src/x.ts', lines.join('\n'));
    const starts = chunks.map((c) => lines[c.startLine - 1]);
    assert.ok(starts.includes('/** Explains beta. */'), `a chunk starts at beta's comment: ${JSON.stringify(starts)}`);
    assert.equal(chunks[0].language, 'typescript');
  });

  it('cuts Markdown at headings and remembers the heading as context', () => {
    const section = (title: string) => [`## ${title}`, '', ...Array.from({ length: 25 }, (_, i) => `${title} paragraph line ${i} with enough words to matter.`), ''];
    const lines = ['# Guide', '', ...section('Install'), ...section('Configure'), ...section('Deploy')];
    const chunks = chunkFile('docs/guide.md', lines.join('\n'));
    assert.ok(chunks.some((c) => lines[c.startLine - 1] === '## Configure'));
    const inside = chunks.find((c) => c.startLine > lines.indexOf('## Deploy') + 1);
    if (inside) assert.equal(inside.context, '## Deploy');
    assert.equal(chunks[0].language, 'markdown');
  });

  it('never exceeds the token cap, even for dense code and one very long line', () => {
    const dense = Array.from({ length: 400 }, (_, i) => `x${i}=[${i},${i * 7},${i * 13}];`).join('\n');
    for (const chunk of chunkFile('data.js', dense, { maxTokens: 120 })) assert.ok(countTokens(chunk.text) <= 120);
    const longLine = 'word '.repeat(900);
    const [only] = chunkFile('long.txt', longLine, { maxTokens: 100 });
    assert.equal(only.startLine, 1);
    assert.equal(only.endLine, 1);
    assert.ok(countTokens(only.text) <= 100);
  });

  it('starts the embedded text with the path and the enclosing declaration', () => {
    const lines = ['export class Pool {', ...Array.from({ length: 120 }, (_, i) => `  method${i}() { return ${i}; }`), '}'];
    const chunks = chunkFile('src/db/pool.ts', lines.join('\n'), { targetChars: 600 });
    const later = chunks[chunks.length - 1];
    assert.equal(later.context, 'export class Pool {');
    assert.match(embeddingText(later), /^src\/db\/pool\.ts\nexport class Pool \{\n {2}method/);
  });

  it('returns no chunks for an empty or blank file and handles CRLF line endings', () => {
    assert.deepEqual(chunkFile('a.ts', ''), []);
    assert.deepEqual(chunkFile('a.ts', '\n \n\t\n'), []);
    const [chunk] = chunkFile('w.ts', 'const a = 1;\r\nconst b = 2;\r\n');
    assert.equal(chunk.text, 'const a = 1;\nconst b = 2;');
    assert.equal(chunk.endLine, 2);
  });
});
