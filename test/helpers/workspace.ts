import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates a temporary folder holding `files` (relative path → content) and returns its path. */
export async function makeWorkspace(files: Record<string, string | Uint8Array>, prefix = 'rag-ws-'): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
}

export async function tempDir(prefix = 'rag-tmp-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A small project to ask about: code, docs and things that must not be indexed. */
export const SAMPLE_PROJECT: Record<string, string> = {
  'src/auth/session.ts': [
    "import { sign, verify } from './jwt';",
    '',
    '/** Sessions last one hour; after that the user must log in again. */',
    'export const SESSION_TTL_MS = 60 * 60 * 1000;',
    '',
    '// Authentication checks the password hash, then issues a signed session token.',
    'export function authenticate(user: User, password: string): Session {',
    '  if (!checkPasswordHash(user, password)) throw new AuthError("invalid password");',
    '  return { token: sign({ sub: user.id }), expiresAt: Date.now() + SESSION_TTL_MS };',
    '}',
    '',
    'export function validateSession(token: string): boolean {',
    '  return verify(token) !== undefined;',
    '}',
  ].join('\n'),
  'src/db/pool.ts': [
    '// A pool of database connections, sized by DB_POOL_SIZE.',
    'export class ConnectionPool {',
    '  constructor(private readonly size = Number(process.env.DB_POOL_SIZE ?? 10)) {}',
    '  acquire(): Connection { return this.connections.pop() ?? this.open(); }',
    '}',
  ].join('\n'),
  'docs/architecture.md': [
    '# Architecture',
    '',
    'The server is split into an HTTP layer, the auth module and the database pool.',
    '',
    '## Authentication',
    '',
    'Users authenticate with a password. A successful login creates a session token signed with the server key.',
    '',
    '## Rate limiting',
    '',
    'Each client may send 100 requests per minute; more requests get HTTP 429.',
  ].join('\n'),
  '.gitignore': 'secrets/\n*.log\n',
  'secrets/key.txt': 'authentication master key do not index',
  'debug.log': 'authentication failed for user 42',
  'node_modules/lib/index.js': 'export function authenticate() { /* dependency */ }',
};
