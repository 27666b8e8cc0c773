/**
 * The data folder is the owner's alone (issue 19, point 4) and its lock is not fooled by a pid that
 * now belongs to someone else (point 5). PGlite only: the embedded database lives in the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/access/index.js';
import { run as doctor } from '../../src/cli/doctor.command.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase, processStartTime } from '../../src/store/index.js';

function everything(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    out.push({ path: p, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'atalaya-folder-'));
  dirs.push(d);
  return d;
}

async function runDoctor(dataDir: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await doctor([], { out: (l) => lines.push(l), err: (l) => lines.push(l), lang: 'en', env: { ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'silent' }, tty: false });
  return { code, out: lines.join('\n') };
}

describe('data-folder permissions', () => {
  it('an upgraded folder with loose modes is reported by doctor, then made owner-only at start, database files included', async () => {
    const dataDir = tempDir();
    // What an older version left: the database world-writable in world-readable folders.
    const first = await openRuntime(loadConfig({ ATALAYA_DATA: dataDir }));
    await first.close();
    for (const e of everything(dataDir)) chmodSync(e.path, e.dir ? 0o755 : 0o666);
    mkdirSync(join(dataDir, 'outbox'), { recursive: true });
    writeFileSync(join(dataDir, 'outbox', 'old.eml'), 'x');
    chmodSync(join(dataDir, 'outbox'), 0o777);
    chmodSync(join(dataDir, 'outbox', 'old.eml'), 0o644);
    const before = await runDoctor(dataDir);
    expect(before.out).toMatch(/Other users of this machine can read or change 20\+ items .* chmod -R go-rwx/);

    const rt = await openRuntime(loadConfig({ ATALAYA_DATA: dataDir }));
    await rt.handle.db.selectFrom('organisation').select('id').execute();
    // While it runs, no folder lets anyone else in (PGlite rewrites a few cache files 0644 inside them).
    const looseDirs = everything(dataDir).filter((e) => e.dir && e.mode & 0o077);
    await rt.close();
    expect(looseDirs).toEqual([]);
    const dbFiles = everything(join(dataDir, 'db'));
    expect(dbFiles.length).toBeGreaterThan(100);
    expect(everything(dataDir).filter((e) => e.mode & 0o077)).toEqual([]);
    const after = await runDoctor(dataDir);
    expect(after.out).toContain('Only the owner can read the data folder');
  }, 180_000);
});

describe('data-folder lock', () => {
  const lockWith = (dataDir: string, text: string) => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'atalaya.lock'), text);
  };
  const opens = async (dataDir: string) => {
    const h = await openDatabase({ dataDir });
    await h.close();
  };
  const spawnAlive = async (cmd: string, args: string[]) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    children.push(c);
    await new Promise((r) => setTimeout(r, 300));
    return c.pid!;
  };

  it('a lock holding this very process’s pid (a restarted container’s pid 1) is stale', async () => {
    const d = tempDir();
    lockWith(d, `${process.pid}\n`);
    await opens(d);
  }, 60_000);

  it('a lock whose pid now belongs to an unrelated program is stale', async () => {
    const d = tempDir();
    const pid = await spawnAlive('sleep', ['60']);
    lockWith(d, `${pid}\n`);
    await opens(d);
    lockWith(d, `${pid} 1\n`);
    await opens(d);
  }, 60_000);

  it('a lock of a live process that started when the lock says is respected, and so is one held in this process', async () => {
    const d = tempDir();
    const pid = await spawnAlive(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    lockWith(d, `${pid} ${processStartTime(pid)}\n`);
    await expect(openDatabase({ dataDir: d })).rejects.toMatchObject({ code: 'unavailable' });
    rmSync(join(d, 'atalaya.lock'));
    const h = await openDatabase({ dataDir: d });
    try {
      await expect(openDatabase({ dataDir: d })).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await h.close();
    }
  }, 60_000);
});
