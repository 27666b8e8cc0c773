/**
 * The data folder holds the embedded database, the evidence, the keys and the outbox: everything in
 * it is the owner's alone (folders 0700, files 0600). New files get that from the umask; folders
 * made by older versions, or by PGlite before the umask was set, are corrected at every start.
 *
 * The folder lock: PGlite has none, and two processes writing one folder lose data. The lock file
 * records the owner's pid and the kernel's start time of that process, so a lock left by a crash is
 * recognised as stale even when its pid now belongs to another process (a restarted container
 * where Atalaya is pid 1 again, or any unrelated program that got the number).
 */
import { chmodSync, closeSync, lstatSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../shared/errors.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Makes every file this process creates from now on owner-only. */
export function restrictUmask(): void {
  process.umask(0o077);
}

/** Folders and files under `dir` that others may read, write or enter (symbolic links are not followed). */
export function looseModes(dir: string, limit = 20): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (out.length >= limit) return;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) out.push(`${p} (${(st.mode & 0o777).toString(8)})`);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  try {
    walk(dir);
  } catch {
    /* a folder that is not there has nothing loose in it */
  }
  return out;
}

/** Sets owner-only modes on `dir` and everything under it; returns how many modes changed. */
export function secureDataFolder(dir: string): number {
  restrictUmask();
  let changed = 0;
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory() ? (st.mode & 0o777) !== DIR_MODE : st.mode & 0o077) {
      // Files keep their owner bits (sealed evidence stays read-only, 0400).
      chmodSync(p, st.isDirectory() ? DIR_MODE : st.mode & 0o700);
      changed++;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  try {
    walk(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return changed;
}

/** The kernel's start time of a process (clock ticks since boot), or null where /proc is absent. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders this process holds: its own pid in a lock file is stale only when it is not one of these. */
const held = new Set<string>();

function lockHolder(lockPath: string, dir: string): number | null {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8').trim();
  } catch {
    return null;
  }
  const [pidText, started] = text.split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return held.has(dir) ? pid : null;
  if (!alive(pid)) return null;
  const now = processStartTime(pid);
  if (started && now !== null) return started === now ? pid : null;
  // A lock written without a start time (older versions): trust only a process that runs Node.
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|atalaya/i.test(cmd) ? pid : null;
  } catch {
    return pid;
  }
}

export function acquireFolderLock(folder: string): () => void {
  const dir = resolve(folder);
  const lockPath = join(dir, 'atalaya.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', FILE_MODE);
      writeSync(fd, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
      closeSync(fd);
      held.add(dir);
      return () => {
        held.delete(dir);
        rmSync(lockPath, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = lockHolder(lockPath, dir);
      if (pid !== null) {
        throw new AppError('unavailable', {
          message: `The data folder ${dir} is in use by another Atalaya process (pid ${pid}).`,
          values: { pid },
        });
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new AppError('unavailable', { message: `Could not lock the data folder ${dir}.` });
}
