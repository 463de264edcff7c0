import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

/**
 * Folders and files nobody asks questions about: version control, dependencies, build outputs,
 * caches, lock files, vendored and generated code. A `.ragignore` can re-include any of them with `!`.
 */
export const DEFAULT_EXCLUDES = [
  '.git/', '.hg/', '.svn/', 'node_modules/', 'bower_components/', 'jspm_packages/',
  'dist/', 'build/', 'out/', 'target/', '.next/', '.nuxt/', '.svelte-kit/', '.output/', '.turbo/', '.parcel-cache/',
  'coverage/', '.nyc_output/', '__pycache__/', '.pytest_cache/', '.mypy_cache/', '.tox/', '.venv/', 'venv/',
  '.gradle/', '.idea/', '.vscode-test/', 'vendor/', 'third_party/', 'Pods/', 'generated/', '__generated__/',
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'Cargo.lock', 'poetry.lock',
  'Pipfile.lock', 'composer.lock', 'Gemfile.lock', 'go.sum', 'flake.lock', 'packages.lock.json',
  '*.min.js', '*.min.css', '*.map', '*.generated.*', '*.pb.go', '*_pb2.py', '.DS_Store',
];

/**
 * Files that hold credentials rather than code: environment files, private keys and keystores, tool
 * credentials, cloud and cluster configs, Terraform state. Left out by default, since what is indexed can
 * reach a cloud model's prompt; only a `.ragignore` `!pattern` brings one back (its values are still
 * redacted). `secrets.*` and `credentials*` are data files: source code of those names is still indexed.
 */
export const SECRET_FILES = [
  '.env', '.env.*', '!.env.example', '!.env.sample', '!.env.template',
  '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '!id_*.pub',
  '.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials',
  '.aws/', '.ssh/', '.gnupg/', '.kube/', 'kubeconfig', '*.tfstate', '*.tfstate.*',
  'secrets.*', 'credentials*', '!secrets.*/', '!credentials*/',
  '!*.ts', '!*.tsx', '!*.js', '!*.jsx', '!*.mjs', '!*.cjs', '!*.py', '!*.go', '!*.rs', '!*.java', '!*.kt', '!*.cs', '!*.rb', '!*.php', '!*.swift', '!*.md',
];

/** The ignore files read in every folder, in this order: a `.ragignore` rule overrides a `.gitignore` one. */
export const IGNORE_FILES = ['.gitignore', '.ragignore'];

/** One folder's ignore rules, matched against paths relative to that folder. */
export interface IgnoreLayer {
  /** Workspace-relative folder with a trailing slash, or '' for the root. */
  base: string;
  rules: Ignore;
  /** The rules that name a file or folder wherever it is (`*.map`, `node_modules/`): what still applies inside a folder a later layer re-includes. */
  names: Ignore;
  /** `secret`: the secret-file defaults, which only a `.ragignore` can override; `ragignore`: a `.ragignore` file. */
  kind?: 'secret' | 'ragignore';
}

export function makeLayer(base: string, patterns: string | string[], kind?: IgnoreLayer['kind']): IgnoreLayer {
  const lines = typeof patterns === 'string' ? patterns.split(/\r?\n/) : patterns;
  const names = lines.filter((line) => !line.replace(/\/\s*$/, '').includes('/'));
  return { base, rules: ignore({ allowRelativePaths: true }).add(lines), names: ignore({ allowRelativePaths: true }).add(names), kind };
}

/** The layers every walk starts from: the default excludes, then the secret files. */
export function defaultLayers(): IgnoreLayer[] {
  return [makeLayer('', DEFAULT_EXCLUDES), makeLayer('', SECRET_FILES, 'secret')];
}

/** Why a path is left out: a secret file, or ignored by the defaults or an ignore file. */
export type IgnoreVerdict = 'secret' | 'ignored' | undefined;

/**
 * Decides a workspace-relative path (`dir/` for folders) against the layers from the root down:
 * a later layer that ignores or re-includes (`!pattern`) overrides the earlier ones, as git does
 * for nested `.gitignore` files; a secret file stays out unless a later `.ragignore` re-includes it.
 * The caller has already decided the path's folders (the walk does not enter ignored ones), so a
 * layer's verdict that only repeats its verdict on a folder counts for nothing here: that is how
 * `!dist/` in a `.ragignore` re-includes the files the defaults left out, while `*.map` still leaves
 * out the source maps in it.
 */
export function ignoreVerdict(layers: readonly IgnoreLayer[], relPath: string): IgnoreVerdict {
  let ignored = false;
  let secret = false;
  for (const layer of layers) {
    if (!relPath.startsWith(layer.base)) continue;
    const sub = relPath.slice(layer.base.length);
    let result = layer.rules.test(sub);
    // Inside a folder this layer ignores (re-included by a later one), only its rules naming the path itself count.
    if (result.ignored && folderIgnored(layer, sub)) result = layer.names.test(lastSegment(sub));
    if (layer.kind === 'secret') {
      if (result.ignored) secret = true;
    } else if (result.ignored) {
      ignored = true;
    } else if (result.unignored) {
      ignored = false;
      if (layer.kind === 'ragignore') secret = false;
    }
  }
  return secret ? 'secret' : ignored ? 'ignored' : undefined;
}

export function isIgnoredByLayers(layers: readonly IgnoreLayer[], relPath: string): boolean {
  return ignoreVerdict(layers, relPath) !== undefined;
}

/** `a/b/c.ts` → `c.ts`, `a/b/` → `b/`. */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/', path.length - 2) + 1);
}

function folderIgnored(layer: IgnoreLayer, sub: string): boolean {
  const slash = sub.replace(/\/$/, '').lastIndexOf('/');
  return slash > 0 && layer.rules.test(sub.slice(0, slash + 1)).ignored;
}

/** Include/exclude globs in VS Code's syntax (`src/**`, `*.{ts,md}`), matched against workspace-relative paths. */
export function globMatcher(globs: readonly string[]): ((relPath: string) => boolean) | undefined {
  const cleaned = globs.map((glob) => glob.trim().replace(/^\.\//, '')).filter(Boolean);
  if (cleaned.length === 0) return undefined;
  const match = picomatch(cleaned, { dot: true });
  // A glob naming a folder (`docs`, `**/fixtures`) also covers everything inside it.
  return (relPath) => {
    const path = relPath.replace(/\/$/, '');
    if (match(path)) return true;
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) if (match(segments.slice(0, i).join('/'))) return true;
    return false;
  };
}
