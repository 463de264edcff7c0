import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { redactSecrets } from '../../src/engine/indexing/redact';

/** Random characters from `alphabet`, so no test value is a real key and each run differs. */
function random(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

function redactedIn(file: string, text: string): string {
  return redactSecrets(file, text).text;
}

describe('redactSecrets', () => {
  it('replaces each documented token shape by a marker naming it, keeping the text around it', () => {
    const shapes: [string, string][] = [
      ['aws-access-key', `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
      ['gcp-api-key', `AIza${random(35)}`],
      ['github-token', `ghp_${random(36)}`],
      ['github-token', `github_pat_${random(82)}`],
      ['gitlab-token', `glpat-${random(20)}`],
      ['slack-token', `xoxb-${random(11, '0123456789')}-${random(24)}`],
      ['stripe-key', `sk_live_${random(24)}`],
      ['stripe-key', `rk_test_${random(24)}`],
      ['stripe-key', `whsec_${random(32)}==`],
      ['anthropic-key', `sk-ant-api03-${random(80)}`],
      ['api-key', `sk-proj-${random(48)}`],
      ['npm-token', `npm_${random(36)}`],
      ['huggingface-token', `hf_${random(34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`],
      ['jwt', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx${random(20)}.${random(43)}`],
    ];
    for (const [kind, token] of shapes) {
      const text = `const client = connect({ region: "eu", credential: "${token}" }); // see docs`;
      assert.equal(redactedIn('src/client.ts', text), `const client = connect({ region: "eu", credential: "«redacted: ${kind}»" }); // see docs`, token);
      assert.equal(redactedIn('notes.md', `Use ${token} for the CI job.`), `Use «redacted: ${kind}» for the CI job.`, token);
    }
  });

  it('redacts values under secret-sounding names: quoted anywhere, unquoted only outside code', () => {
    const secret = random(40);
    const env = [`JWT_SECRET=${secret}`, `DB_PASSWORD=${random(10)}!x`, 'LOG_LEVEL=debug', `aws_secret_access_key = ${random(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}`].join('\n');
    assert.equal(redactedIn('.env', env), 'JWT_SECRET=«redacted: secret-value»\nDB_PASSWORD=«redacted: password»\nLOG_LEVEL=debug\naws_secret_access_key = «redacted: aws-secret-key»');
    assert.equal(redactedIn('settings.json', `{ "service.apiToken": "${secret}" }`), '{ "service.apiToken": "«redacted: secret-value»" }');
    assert.equal(redactedIn('app.py', `PASSWORD = 'S3cret-${random(6)}'`), "PASSWORD = '«redacted: password»'");
    assert.equal(redactedIn('config.yaml', `database:\n  password: ${random(12)}\n  host: db`), 'database:\n  password: «redacted: password»\n  host: db');
    const azure = `DefaultEndpointsProtocol=https;AccountName=billing;AccountKey=${random(86)}==;EndpointSuffix=core.windows.net`;
    assert.equal(redactedIn('appsettings.json', azure), 'DefaultEndpointsProtocol=https;AccountName=billing;AccountKey=«redacted: azure-storage-key»;EndpointSuffix=core.windows.net');
  });

  it('replaces only the password of a connection URL, so it stays findable by its host', () => {
    const password = `p${random(12)}`;
    assert.equal(redactedIn('README.md', `Connect with postgres://admin:${password}@db.example.com:5432/app today.`),
      'Connect with postgres://admin:«redacted: url-password»@db.example.com:5432/app today.');
    assert.equal(redactedIn('src/db.ts', `const url = "mongodb+srv://app:${password}@cluster0.example.net/db";`), 'const url = "mongodb+srv://app:«redacted: url-password»@cluster0.example.net/db";');
  });

  it('replaces a private key block with one marker that keeps its line breaks, so line numbers stay exact', () => {
    const body = Array.from({ length: 5 }, () => random(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join('\n');
    const text = `# Deploy\n\n\`\`\`\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n\`\`\`\nafter\n`;
    const { text: redacted, count } = redactSecrets('docs/deploy.md', text);
    assert.equal(count, 1);
    assert.equal(redacted, `# Deploy\n\n\`\`\`\n«redacted: private-key»${'\n'.repeat(6)}\n\`\`\`\nafter\n`);
    assert.equal(redacted.split('\n').length, text.split('\n').length);
    const inJson = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${body.replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----\\n", "client_email": "x@y"}`;
    assert.equal(redactedIn('service-account.json', inJson), '{"private_key": "«redacted: private-key»", "client_email": "x@y"}');
  });

  it('leaves placeholders, code that reads a secret, types, modes and short words alone', () => {
    const untouched = [
      ['src/a.ts', 'const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;'],
      ['src/a.ts', 'function login(user: string, password: string): Promise<Token> {'],
      ['src/a.ts', 'const token = createToken(user.id, SECRET_TTL_SECONDS);'],
      ['src/a.ts', "const encoding = { tokenizer: 'cl100k_base', keyAlgorithm: 'aes-256-gcm' };"],
      ['src/a.ts', 'if (token === expectedToken) return true;'],
      ['src/a.ts', 'const keyframes = "fadeInOutAnimationLoop";'],
      ['.env.example', 'DATABASE_URL=postgres://USER:${DB_PASSWORD}@HOST:5432/app\nAPI_KEY=<your-api-key>\nSECRET_KEY=changeme'],
      ['README.md', 'Set `password: ******` in the form, then `token: your-token-here`.'],
      ['README.md', 'See https://example.com:8080/path and git@github.com:org/repo.git.'],
      ['README.md', 'Install scikit-learn with sk-learn-compat and the sk-fallback option.'],
      ['notes.md', 'const tokenCount = countTokens(text, { model: "gpt-4o" })'],
    ];
    for (const [file, text] of untouched) assert.deepEqual(redactSecrets(file, text), { text, count: 0 }, text);
  });

  it('counts the values it replaced, and leaves already redacted text as it is', () => {
    const text = `a = "sk_live_${random(24)}"\nb = "ghp_${random(36)}"\nc = postgres://u:${random(10)}@h/db\n`;
    const once = redactSecrets('x.md', text);
    assert.equal(once.count, 3);
    assert.deepEqual(redactSecrets('x.md', once.text), { text: once.text, count: 0 });
  });
});
