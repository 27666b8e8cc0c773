import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, toCsv } from './chart-table.js';

describe('toCsv', () => {
  it('writes a header and one line per row, quoting what needs quoting', () => {
    const csv = toCsv({
      columns: ['Estado', 'Casos'],
      rows: [
        ['Zulia', 12],
        ['Lara, "centro"', '< 5'],
      ],
    });
    expect(csv).toBe('Estado,Casos\r\nZulia,12\r\n"Lara, ""centro""",< 5\r\n');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const csv = toCsv({
      columns: ['=cmd', 'b'],
      rows: [
        ['=HYPERLINK("http://x")', '+1+1'],
        ['-2+3', '@SUM(A1)'],
        ['\tx', 'ok'],
      ],
    });
    const back = parse(csv) as string[][];
    expect(back).toEqual([
      ["'=cmd", 'b'],
      ['\'=HYPERLINK("http://x")', "'+1+1"],
      ["'-2+3", "'@SUM(A1)"],
      ["'\tx", 'ok'],
    ]);
  });

  it('can write for a Spanish spreadsheet: semicolons and a byte order mark', () => {
    const csv = toCsv(
      {
        columns: ['Estado', 'Tasa'],
        rows: [
          ['Mérida', 2.5],
          ['a;b', 1],
        ],
      },
      { delimiter: ';', bom: true },
    );
    expect(csv).toBe('\uFEFFEstado;Tasa\r\nMérida;2.5\r\n"a;b";1\r\n');
  });

  it('leaves numbers alone, negative ones included', () => {
    expect(neutraliseCell(-3)).toBe(-3);
    expect(toCsv({ columns: ['n'], rows: [[-3], [0]] })).toBe('n\r\n-3\r\n0\r\n');
  });

  it('round-trips any text, and no text cell read back starts a formula', () => {
    const cell = fc.oneof(fc.string(), fc.integer());
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 8 }), (rows) => {
        const back = (parse(toCsv({ columns: ['a', 'b'], rows })) as string[][]).slice(1);
        expect(back).toEqual(rows.map((r) => r.map((c) => String(neutraliseCell(c)))));
        rows.forEach((r, i) =>
          r.forEach((c, j) => {
            if (typeof c === 'string') expect(back[i]![j]).not.toMatch(/^[=+\-@\t\r]/);
          }),
        );
      }),
    );
  });
});
