import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from '../deadline';
import { CancelledError, RagError } from '../errors';

const LOCK_FILE = 'index.lock';
/** The holder touches the lock this often, so a holder that died (killed, crashed thread) is noticed. */
const HEARTBEAT_MS = 2_000;
/** A lock not touched for this long belongs to nobody, where the holder's process cannot be checked… */
const STALE_MS = 10_000;
/** …and, where it can, after this long even if a process with its pid runs (the pid may have been reused). */
const ABANDONED_MS = 10 * 60_000;
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

/** A held write lock. Writers check it before each save: a lock that is no longer ours must not be written under. */
export interface IndexLock {
  /** Set once the lock was found lost (by the heartbeat or a check): the error the job fails with. */
  readonly lost: RagError | undefined;
  /** Throws `index_lock_lost` unless the lock file still holds our token. */
  verify(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the index folder's write lock, waiting while another process (or thread) holds it. A lock whose
 * holder stopped refreshing it, or whose process is gone, is taken over.
 *
 * Written by hand rather than with proper-lockfile: that library's lock is a bare folder, so a waiter
 * cannot tell who holds it (for the message) nor take over from a holder whose process died until the
 * stale time passes, and its wait cannot be cancelled. The holder refreshes the lock and checks that it is
 * still its own before each save. A late refresh alone does not lose it: on a busy machine a heartbeat can
 * be many seconds late, and a waiter on this host never takes over from a holder whose process is alive.
 */
export async function acquireIndexLock(indexDir: string, options: LockOptions): Promise<IndexLock> {
  await fs.mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      await fs.writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      return new HeldLock(file, mine);
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

class HeldLock implements IndexLock {
  lost: RagError | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly file: string, private readonly mine: LockInfo) {
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async verify(): Promise<void> {
    if (!this.lost) await this.check();
    if (this.lost) throw this.lost;
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    const holder = await readHolder(this.file);
    if (holder?.token === this.mine.token) await fs.rm(this.file, { force: true });
  }

  private async beat(): Promise<void> {
    if (this.lost || !(await this.check())) return;
    const now = new Date();
    try {
      await fs.utimes(this.file, now, now);
    } catch {
      // Not refreshed: the next beat tries again; a takeover meanwhile shows as another token in the file.
    }
  }

  /** Whether the lock is still ours (its file holds our token); records why not. */
  private async check(): Promise<boolean> {
    const holder = await readHolder(this.file);
    if (holder?.token === this.mine.token) return true;
    const exists = await fs.stat(this.file).then(() => true, () => false);
    return this.lose(!exists ? 'its lock file was removed' : `another process${holder ? ` (pid ${holder.pid})` : ''} took it over`);
  }

  private lose(reason: string): false {
    this.lost ??= new RagError('index_lock_lost',
      `This run stopped writing the index: ${reason}. Nothing more was saved; reindex to finish the job.`, 'indexing');
    clearInterval(this.heartbeat);
    return false;
  }
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

/**
 * The lock is free to take when its holder's process is gone. Only where that cannot be told (another
 * host, or another thread of this process) does a lock nobody refreshed for a while count as free: a live
 * process on this host keeps its lock however late its heartbeat (a busy machine delays it).
 */
async function isStale(file: string, holder: LockInfo | undefined): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return true;
  const unrefreshedFor = Date.now() - stat.mtimeMs;
  if (!holder || holder.host !== os.hostname() || holder.pid === process.pid) return unrefreshedFor > STALE_MS;
  if (unrefreshedFor > ABANDONED_MS) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
