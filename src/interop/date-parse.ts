/**
 * Dates as spreadsheets hold them: in a format the profile names ("DD/MM/YYYY", "MM/YYYY",
 * "YYYY", "D MMM YYYY"…), as ISO partial dates, as real dates (XLSX), or as Excel serial numbers
 * (days since 1899-12-30, what a date column turns into when its format is lost). The precision
 * follows from what is written: "03/2020" is March 2020, never 1 March 2020. "c. 2019", "aprox.
 * 2019" or "~2019" mark an approximate date.
 */
import { isValidPartialDate } from '../shared/dates.js';
import type { Cell } from './read-table.js';

export interface ParsedDate {
  date: string; // YYYY, YYYY-MM or YYYY-MM-DD
  approximate: boolean;
  fromSerial: boolean;
}

const months: Record<string, number> = {
  ene: 1, enero: 1, jan: 1, january: 1,
  feb: 2, febrero: 2, february: 2,
  mar: 3, marzo: 3, march: 3,
  abr: 4, abril: 4, apr: 4, april: 4,
  may: 5, mayo: 5,
  jun: 6, junio: 6, june: 6,
  jul: 7, julio: 7, july: 7,
  ago: 8, agosto: 8, aug: 8, august: 8,
  sep: 9, sept: 9, septiembre: 9, setiembre: 9, september: 9,
  oct: 10, octubre: 10, october: 10,
  nov: 11, noviembre: 11, november: 11,
  dic: 12, diciembre: 12, dec: 12, december: 12,
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Excel's day 1 is 1900-01-01 and it believes 1900-02-29 existed; 25569 is 1970-01-01. */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const ms = Math.round((Math.floor(serial) - 25569) * 86400000);
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

interface Compiled {
  re: RegExp;
  groups: ('Y' | 'YY' | 'M' | 'MMM' | 'D')[];
}
const compiledCache = new Map<string, Compiled>();

function compile(format: string): Compiled {
  const hit = compiledCache.get(format);
  if (hit) return hit;
  const groups: Compiled['groups'] = [];
  let re = '';
  for (let i = 0; i < format.length; ) {
    const rest = format.slice(i);
    const tok = /^(YYYY|YY|MMMM|MMM|MM|M|DD|D)/.exec(rest)?.[1];
    if (tok) {
      const [g, part] =
        tok === 'YYYY'
          ? (['Y', '(\\d{4})'] as const)
          : tok === 'YY'
            ? (['YY', '(\\d{2})'] as const)
            : tok === 'MMMM' || tok === 'MMM'
              ? (['MMM', '([A-Za-zÀ-ÿ]+)\\.?'] as const)
              : tok === 'MM' || tok === 'M'
                ? (['M', '(\\d{1,2})'] as const)
                : (['D', '(\\d{1,2})'] as const);
      groups.push(g);
      re += part;
      i += tok.length;
    } else {
      const ch = format[i]!;
      re += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      i++;
    }
  }
  const c = { re: new RegExp(`^${re}$`, 'i'), groups };
  compiledCache.set(format, c);
  return c;
}

function tryFormat(s: string, format: string): string | null {
  const c = compile(format);
  const m = c.re.exec(s);
  if (!m) return null;
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  c.groups.forEach((g, i) => {
    const v = m[i + 1]!;
    if (g === 'Y') y = Number(v);
    else if (g === 'YY') y = Number(v) + (Number(v) > 50 ? 1900 : 2000);
    else if (g === 'M') mo = Number(v);
    else if (g === 'MMM') mo = months[v.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')];
    else d = Number(v);
  });
  if (y === undefined) return null;
  let out = String(y);
  if (mo !== undefined) out += `-${pad(mo)}`;
  else if (d !== undefined) return null;
  if (d !== undefined) out += `-${pad(d)}`;
  return isValidPartialDate(out) ? out : null;
}

export const defaultDateFormats = ['YYYY-MM-DD', 'DD/MM/YYYY', 'D/M/YYYY', 'DD-MM-YYYY', 'MM/YYYY', 'YYYY-MM', 'YYYY'];

const approxRe = /^(c\.|ca\.|circa|aprox\.?|aproximadamente|approx\.?|about|~)\s*/i;

/**
 * Reads one date cell; null when it is not a date in any of `formats` (the caller reports it).
 * `serials` allows bare numbers (Excel serial days) in the cell.
 */
export function parseDateCell(cell: Cell, formats: readonly string[], serials = true): ParsedDate | null {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return null;
    const s = `${cell.getUTCFullYear()}-${pad(cell.getUTCMonth() + 1)}-${pad(cell.getUTCDate())}`;
    return isValidPartialDate(s) ? { date: s, approximate: false, fromSerial: false } : null;
  }
  if (typeof cell === 'number') {
    if (!serials) return null;
    const s = excelSerialToDate(cell);
    return s && isValidPartialDate(s) ? { date: s, approximate: false, fromSerial: true } : null;
  }
  let s = cell.trim();
  let approximate = false;
  const a = approxRe.exec(s);
  if (a) {
    approximate = true;
    s = s.slice(a[0].length).trim();
  }
  if (!s) return null;
  if (serials && /^\d{5}(\.\d+)?$/.test(s)) {
    const d = excelSerialToDate(Number(s));
    return d && isValidPartialDate(d) ? { date: d, approximate, fromSerial: true } : null;
  }
  for (const f of formats) {
    const d = tryFormat(s, f);
    if (d) return { date: d, approximate, fromSerial: false };
  }
  return null;
}
