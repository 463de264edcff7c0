import { NAMED_RULES, PRIVATE_KEY_BLOCK, TOKEN_RULES, URL_CREDENTIALS, isUrlPassword, type TokenRule } from './secretRules';

/** A file's text with its secret values replaced, and how many were. */
export interface Redacted {
  text: string;
  count: number;
}

interface Finding {
  start: number;
  end: number;
  id: string;
  /** Found by the name it was given rather than by its own shape: a token rule names the same value better. */
  byName?: boolean;
}

/** Tokens shorter than this are never secrets worth a rule (the shortest documented shape is 20 characters). */
const MIN_TOKEN_LENGTH = 20;
/** Longest value read after a secret-looking name: keys and passwords are far shorter; longer is data. */
const MAX_VALUE_LENGTH = 512;

/** Languages where an unquoted value after `=` or `:` is an expression or a type, never a literal secret. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|rs|java|kts?|scala|cs|fs|rb|php|swift|dart|lua|c|cc|cpp|h|hpp|m|vue|svelte)$/i;

/** Characters of tokens, keys and names: letters, digits and `_ - + / . ~`. A token's own pattern says where it ends. */
const WORD = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/.~') WORD[ch.charCodeAt(0)] = 1;

/** Token rules by the first character of their prefixes, so a word costs one lookup. */
const RULES_BY_FIRST = new Map<number, TokenRule[]>();
for (const rule of TOKEN_RULES) {
  for (const code of new Set(rule.prefixes.map((p) => p.charCodeAt(0)))) RULES_BY_FIRST.set(code, [...(RULES_BY_FIRST.get(code) ?? []), rule]);
}

/**
 * Replaces the secret values in a file's text by `«redacted: KIND»` before anything is chunked, stored,
 * embedded or shown, so no prompt, event, snippet or index file carries them. A marker keeps the line
 * breaks of what it replaces, so chunk line numbers stay those of the file.
 *
 * One pass over the characters finds words (for token shapes) and `name = value` pairs (for values under
 * secret-sounding names); private key blocks and URL credentials are found by their literal markers.
 * Regular expressions run only where a prefix or a name already matched: one pass per rule over the whole
 * text was slower (BENCHMARKS.md).
 */
export function redactSecrets(filePath: string, text: string): Redacted {
  const findings: Finding[] = [];
  findLiteralShapes(text, findings);
  findWords(text, !CODE_FILE.test(filePath), findings);
  return findings.length === 0 ? { text, count: 0 } : replace(text, findings);
}

function findLiteralShapes(text: string, findings: Finding[]): void {
  for (let at = text.indexOf('-----BEGIN'); at >= 0; at = text.indexOf('-----BEGIN', at + 1)) {
    PRIVATE_KEY_BLOCK.lastIndex = at;
    const match = PRIVATE_KEY_BLOCK.exec(text);
    if (match) findings.push({ start: at, end: at + match[0].length, id: 'private-key' });
  }
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    URL_CREDENTIALS.lastIndex = at;
    const match = URL_CREDENTIALS.exec(text);
    if (!match || !isUrlPassword(match[1])) continue;
    const end = at + match[0].length - 1;
    findings.push({ start: end - match[1].length, end, id: 'url-password' });
  }
}

function findWords(text: string, unquotedValues: boolean, findings: Finding[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    if (code >= 128 || WORD[code] === 0) {
      i++;
      continue;
    }
    const start = i;
    while (++i < n && (code = text.charCodeAt(i)) < 128 && WORD[code] === 1);
    if (i - start >= MIN_TOKEN_LENGTH) findToken(text, start, findings);
    if (i < n && mayAssign(code)) {
      const valueAt = assignedValueStart(text, i);
      if (valueAt >= 0) findNamedValue(text, text.slice(start, i), valueAt, unquotedValues, findings);
    }
  }
}

function findToken(text: string, start: number, findings: Finding[]): void {
  for (const rule of RULES_BY_FIRST.get(text.charCodeAt(start)) ?? []) {
    if (!rule.prefixes.some((prefix) => text.startsWith(prefix, start))) continue;
    rule.pattern.lastIndex = start;
    const match = rule.pattern.exec(text);
    if (!match || (rule.accept && !rule.accept(match[0]))) continue;
    findings.push({ start, end: start + match[0].length, id: rule.id });
    return;
  }
}

/** `=`, `:`, a quote or a blank: the characters that can follow a name being assigned. */
function mayAssign(code: number): boolean {
  return code === 0x3d || code === 0x3a || code === 0x22 || code === 0x27 || code === 0x20 || code === 0x09;
}

/** Where the value starts when a name is followed by an assignment (`=`, `:`, `:=`, `=>`, after an optional closing quote), else -1. */
function assignedValueStart(text: string, at: number): number {
  let i = at;
  let code = text.charCodeAt(i);
  if (code === 0x22 || code === 0x27) code = text.charCodeAt(++i); // "name": or 'name' =
  while (code === 0x20 || code === 0x09) code = text.charCodeAt(++i);
  if (code === 0x3d) { // =
    const next = text.charCodeAt(i + 1);
    if (next === 0x3d) return -1; // ==
    i += next === 0x3e ? 2 : 1; // =>
  } else if (code === 0x3a) { // :
    const next = text.charCodeAt(i + 1);
    if (next === 0x3a) return -1; // ::
    i += next === 0x3d ? 2 : 1; // :=
  } else {
    return -1;
  }
  while ((code = text.charCodeAt(i)) === 0x20 || code === 0x09) i++;
  return i;
}

function findNamedValue(text: string, name: string, at: number, unquotedValues: boolean, findings: Finding[]): void {
  const rule = NAMED_RULES.find((r) => r.name.test(name));
  if (!rule) return;
  const quote = text[at];
  let start = at;
  let end: number;
  if (quote === '"' || quote === "'" || quote === '`') {
    start = at + 1;
    end = text.indexOf(quote, start);
    if (end < 0 || end - start > MAX_VALUE_LENGTH || text.slice(start, end).includes('\n')) return;
  } else {
    if (!unquotedValues) return;
    end = start;
    while (end < text.length && end - start <= MAX_VALUE_LENGTH && !/[\s,;"'`]/.test(text[end])) end++;
    if (/[()[\]{}<>]/.test(text.slice(start, end))) return; // an expression: `count(text)`, `list[0]`
  }
  const value = text.slice(start, end);
  if (rule.accept(value)) findings.push({ start, end, id: rule.id, byName: true });
}

/** Overlapping findings (two rules, one value) become one marker over their union, named by the first (its shape before its name). */
function replace(text: string, findings: Finding[]): Redacted {
  findings.sort((a, b) => a.start - b.start || Number(a.byName ?? false) - Number(b.byName ?? false) || b.end - a.end);
  const merged: Finding[] = [];
  for (const finding of findings) {
    const last = merged.at(-1);
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end);
    else merged.push({ ...finding });
  }
  let out = '';
  let at = 0;
  for (const { start, end, id } of merged) {
    const lineBreaks = text.slice(start, end).match(/\r?\n/g)?.join('') ?? '';
    out += text.slice(at, start) + `«redacted: ${id}»` + lineBreaks;
    at = end;
  }
  return { text: out + text.slice(at), count: merged.length };
}
