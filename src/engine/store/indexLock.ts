import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from '../deadline';
import { CancelledError, RagError } from '../errors';

const LOCK_FILE = 'index.lock';
/** The holder touches the lock this often, so a holder that died (killed, crashed thread) is noticed. */
const HEARTBEAT_MS = 2_000;
/** A lock not touched for this long belongs to nobody. */
const STALE_MS = 10_000;
const POLL_MS = 200;

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

export interface LockOptions {
  /** Longest wait for another writer to finish. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: (holder: LockInfo) => void;
}

/**
 * Takes the index folder's write lock, waiting while another process (or thread) holds it. A lock whose
 * holder stopped refreshing it, or whose process is gone, is taken over. Returns the release function.
 */
export async function acquireIndexLock(indexDir: string, options: LockOptions): Promise<() => Promise<void>> {
  await fs.mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      await fs.writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      return holdLock(file, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (await isStale(file, holder)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (!waiting && holder) {
      waiting = true;
      options.onWait?.(holder);
    }
    if (Date.now() > deadline) {
      throw new RagError('index_locked',
        `Another workspace-rag process (pid ${holder?.pid ?? 'unknown'}) has been updating this index for a while. Wait for it to finish, or stop it, then try again.`, 'indexing');
    }
    await sleep(POLL_MS, options.signal); // a cancelled run stops waiting at once
  }
}

function holdLock(file: string, mine: LockInfo): () => Promise<void> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    const holder = await readHolder(file);
    if (holder?.token === mine.token) await fs.rm(file, { force: true });
  };
}

/** The holder named in the lock file; undefined while it is still being written, or when torn by a crash. */
async function readHolder(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await fs.readFile(file, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.token === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Nobody refreshed the lock for a while, or its process is gone: it is free to take. */
async function isStale(file: string, holder: LockInfo | undefined): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat || Date.now() - stat.mtimeMs > STALE_MS) return true;
  if (!holder || holder.host !== os.hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
