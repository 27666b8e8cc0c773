/**
 * exceljs's streaming reader parks a worksheet that comes before the shared strings (or the
 * workbook's relations) in the zip in a temporary file, in clear, under the system's temporary
 * folder — on disk, where a seized server keeps it. Those files go to RAM instead: /dev/shm is a
 * memory file system on Linux; the files are the owner's only and exceljs deletes them after use.
 * Where there is no /dev/shm the system's temporary folder is used, as README says.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const MEMORY_DIR = '/dev/shm';
let patched = false;

/** The temporary files of one reading, so that an abandoned reading (a header pass) removes its own. */
const owner = new AsyncLocalStorage<Set<string>>();

type TmpFile = (options: unknown, callback?: unknown) => void;

/** Points exceljs's temporary files at memory; returns the folder they go to, or null if none. */
export function keepXlsxTempInMemory(): string | null {
  if (!existsSync(MEMORY_DIR)) return null;
  if (patched) return MEMORY_DIR;
  // The `tmp` module exceljs itself requires (the same instance, from exceljs's own location).
  const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
  const tmp = fromExceljs('tmp') as { file: TmpFile };
  const original = tmp.file.bind(tmp);
  tmp.file = (options: unknown, callback?: unknown) => {
    if (typeof options !== 'function') return original(options, callback);
    const cb = options as (err: unknown, path: string, ...rest: unknown[]) => void;
    const files = owner.getStore();
    return original({ tmpdir: MEMORY_DIR, prefix: 'atalaya-xlsx-', mode: 0o600 }, (err: unknown, path: string, ...rest: unknown[]) => {
      if (!err) files?.add(path);
      cb(err, path, ...rest);
    });
  };
  patched = true;
  return MEMORY_DIR;
}

/**
 * Iterates `source` so that the temporary files exceljs makes meanwhile belong to `files`; the
 * caller removes them when it stops reading, whether at the end or half-way.
 */
export function ownTempFiles<T>(files: Set<string>, source: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const it = source[Symbol.asyncIterator]();
      return {
        next: () => owner.run(files, () => it.next()),
        return: async (v?: unknown) => (it.return ? owner.run(files, () => it.return!(v)) : { done: true as const, value: v as T }),
      };
    },
  };
}

export function removeTempFiles(files: Set<string>): void {
  for (const f of files) rmSync(f, { force: true });
  files.clear();
}
