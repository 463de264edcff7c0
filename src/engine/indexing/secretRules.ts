/**
 * The shapes of secret values that indexing redacts (`redact.ts` finds them). Token shapes are the ones
 * their issuers document (prefix, alphabet, length), as gitleaks and secretlint match them too.
 * secretlint's recommended preset was measured as the rule set to run and was too slow for indexing
 * (BENCHMARKS.md), and leaves out Stripe keys, JWTs, Azure keys and generic `*_KEY = …` assignments.
 */

/** A token recognisable by its prefix alone, wherever it appears. */
export interface TokenRule {
  /** Shown in the marker: `«redacted: ID»`. */
  id: string;
  /** Literal starts of the token; the pattern is tried only where one of them starts a word. */
  prefixes: readonly string[];
  /** Sticky (`y`): matched at the start of a word. */
  pattern: RegExp;
  /** Rejects look-alikes (a documentation example, an identifier). */
  accept?: (token: string) => boolean;
}

/** A value given to a name that says it is secret: `DB_PASSWORD=…`, `"secretAccessKey": "…"`. */
export interface NamedRule {
  id: string;
  name: RegExp;
  accept: (value: string) => boolean;
}

/** Bits per character: generated keys score 3.5 to 6, words and identifiers less. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Below this a value under a `*_KEY`/`*_SECRET`/`*_TOKEN` name reads as a word, version or mode
 * (`cl100k_base` 3.3, `aes-256-gcm` 3.3); 16 random base64 characters score about 3.8, 40 about 4.8.
 */
const MIN_KEY_ENTROPY = 3.5;
/** Generated keys are long; shorter values under those names are mostly names and modes. */
const MIN_KEY_LENGTH = 16;
/** Passwords are redacted whatever their strength, but `******` or `xxxxxx` are masks, not passwords. */
const MIN_PASSWORD_ENTROPY = 1.5;
const MIN_PASSWORD_LENGTH = 6;

/** Values that stand for a secret without being one: `${DB_PASSWORD}`, `<token>`, `your-api-key`, `changeme`. */
const PLACEHOLDER = /^(?:\$\{?[\w.]+\}?|\{\{[^}]*\}\}|<[^>]*>|%\(?\w+\)?s?|(?:your|my|some|example|sample|dummy|fake|test)[-_]?\w*|changeme|password|secret|redacted|null|undefined|none|true|false)$/i;
/** `options.apiKey`, `process.env.TOKEN`, `this.secret`: code reading a value, not the value. */
const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

export function isValue(text: string): boolean {
  return !PLACEHOLDER.test(text) && !DOTTED_IDENTIFIER.test(text) && !text.includes('«redacted');
}

function isPassword(value: string): boolean {
  return value.length >= MIN_PASSWORD_LENGTH && isValue(value) && shannonEntropy(value) >= MIN_PASSWORD_ENTROPY;
}

function isGeneratedKey(value: string): boolean {
  return value.length >= MIN_KEY_LENGTH && /\d/.test(value) && /[A-Za-z]/.test(value) && isValue(value) && shannonEntropy(value) >= MIN_KEY_ENTROPY;
}

export const TOKEN_RULES: readonly TokenRule[] = [
  { id: 'aws-access-key', prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'A3T'],
    pattern: /(?:A3T[A-Z0-9]|A[A-Z]{3})[A-Z0-9]{16}(?![A-Za-z0-9])/y },
  { id: 'gcp-api-key', prefixes: ['AIza'], pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/y },
  { id: 'gcp-client-secret', prefixes: ['GOCSPX-'], pattern: /GOCSPX-[0-9A-Za-z_-]{28}(?![0-9A-Za-z_-])/y },
  { id: 'github-token', prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])/y },
  { id: 'gitlab-token', prefixes: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glsoat-'], pattern: /gl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_-]{20,}/y },
  { id: 'slack-token', prefixes: ['xoxa-', 'xoxb-', 'xoxe-', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-', 'xapp-'], pattern: /(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}/y },
  { id: 'slack-webhook', prefixes: ['hooks.slack.com/'], pattern: /hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]{20,}/y },
  { id: 'stripe-key', prefixes: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_'], pattern: /(?:[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{20,})/y },
  { id: 'anthropic-key', prefixes: ['sk-ant-'], pattern: /sk-ant-[a-z]{3,6}\d\d-[A-Za-z0-9_-]{20,}/y },
  // OpenAI's and the many OpenAI-compatible services' keys.
  { id: 'api-key', prefixes: ['sk-'], pattern: /sk-[A-Za-z0-9_-]{20,}/y, accept: isGeneratedKey },
  { id: 'npm-token', prefixes: ['npm_'], pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/y },
  { id: 'huggingface-token', prefixes: ['hf_'], pattern: /hf_[A-Za-z]{34}(?![A-Za-z])/y },
  { id: 'sendgrid-key', prefixes: ['SG.'], pattern: /SG\.[\w-]{22}\.[\w-]{43}(?![\w-])/y },
  { id: 'vault-token', prefixes: ['hvs.', 'hvb.', 'hvr.'], pattern: /hv[sbr]\.[A-Za-z0-9_-]{90,300}/y },
  { id: 'docker-token', prefixes: ['dckr_pat_'], pattern: /dckr_pat_[A-Za-z0-9_-]{27}/y },
  { id: 'shopify-token', prefixes: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], pattern: /shp(?:at|ca|pa|ss)_[A-Fa-f0-9]{32}/y },
  { id: 'jwt', prefixes: ['eyJ'], pattern: /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/y },
];

/** The first rule whose name matches decides; the value is then checked as that kind of secret. */
export const NAMED_RULES: readonly NamedRule[] = [
  { id: 'aws-secret-key', name: /secret_?access_?key/i, accept: (value) => /^[A-Za-z0-9/+=]{40}$/.test(value) },
  { id: 'azure-storage-key', name: /^(?:account|sharedaccess)key$/i, accept: isGeneratedKey },
  { id: 'password', name: /passw(?:or)?d|passphrase|pwd/i, accept: isPassword },
  { id: 'secret-value', name: /key|secret|token|credential/i, accept: isGeneratedKey },
];

/** A private key block, from its BEGIN line to its END line (or to the end of its base64 when that is missing). */
export const PRIVATE_KEY_BLOCK = /-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,20000}?-----END[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,-]*)/y;

/** `scheme://user:password@host`: only the password is replaced, so the URL stays findable by its host. */
export const URL_CREDENTIALS = /:\/\/[^\s:/@"'`<>]{1,256}:([^\s@/"'`<>]{1,256})@/y;

export const isUrlPassword = isPassword;
