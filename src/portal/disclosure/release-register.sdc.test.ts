import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/errors.js';
import {
  findDifferencingConflicts,
  protectTable1DWithRegister,
  protectTable2DWithRegister,
  type RegisteredRelease,
} from './release-register.sdc.js';
import { protectTable1D, protectTable2D, publishedVector } from './table-protection.sdc.js';

const rows = ['Zulia', 'Lara'];
const columns = ['threat', 'detention', 'attack'];

describe('release register', () => {
  it('finds a cumulative update that adds 2 cases to one cell', () => {
    const before = protectTable2D({ rows, columns, cells: [[20, 15, 30], [12, 18, 25]] });
    const after = protectTable2D({ rows, columns, cells: [[22, 15, 30], [12, 18, 25]] });
    const conflicts = findDifferencingConflicts(after, [{ id: '2024-Q1', table: before }]);
    // The cell, its row total, its column total and the grand total each moved by 2.
    expect(conflicts.map((c) => c.cell).sort((a, b) => a - b)).toEqual([0, 6, 8, 11]);
    expect(conflicts[0]!.difference).toEqual([2, 2]);
  });

  it('suppresses the cells whose difference would show a small group', () => {
    const before = protectTable2D({ rows, columns, cells: [[20, 15, 30], [12, 18, 25]] });
    const register = [{ id: 'q1', table: before }];
    // +2 in one cell and overall: the cell, its totals and the grand total are hidden together,
    // so nothing pins the new cell any more.
    const small = protectTable2DWithRegister({ rows, columns, cells: [[22, 15, 30], [12, 18, 25]] }, register);
    expect(small.status).toBe('ok');
    expect(small.table.total.suppressed).toBe(true);
    expect(small.table.cells[0]![0]!.suppressed).toBe(true);
    expect(findDifferencingConflicts(small.table, register)).toEqual([]);
    // +2 in each cell of the first row (+6 overall): the grand total can stay.
    const ok = protectTable2DWithRegister({ rows, columns, cells: [[22, 17, 32], [12, 18, 25]] }, register);
    expect(ok.status).toBe('ok');
    expect(ok.table.cells[0]![0]!.suppressed).toBe(true);
    expect(ok.table.total.value).toBe(126);
    expect(findDifferencingConflicts(ok.table, register)).toEqual([]);
  });

  it('a growing series: every accepted release is safe against all earlier ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 8 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        (start, updates) => {
          const categories = start.map((_, i) => `c${i}`);
          const register: RegisteredRelease[] = [];
          let counts = start;
          const first = protectTable1D({ categories, counts });
          if (!first.withheld) register.push({ id: 'r0', table: first });
          updates.forEach((u, j) => {
            counts = counts.map((c, i) => c + u[i]!);
            const out = protectTable1DWithRegister({ categories, counts }, register);
            if (out.status === 'ok') {
              expect(findDifferencingConflicts(out.table, register)).toEqual([]);
              for (const v of publishedVector(out.table)) expect(v === null || v === 0 || v >= 5).toBe(true);
              register.push({ id: `r${j + 1}`, table: out.table });
            }
          });
        },
      ),
      { numRuns: 120 },
    );
  });

  it('2-D cumulative releases: an accepted release never conflicts with the register', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }),
        (start, add) => {
          const cols = ['x', 'y', 'z'];
          const rowNames = start.map((_, i) => `r${i}`);
          const first = protectTable2D({ rows: rowNames, columns: cols, cells: start });
          const register: RegisteredRelease[] = first.withheld ? [] : [{ id: 'r0', table: first }];
          const next = start.map((row, r) => row.map((v, c) => v + add[r * 3 + c]!));
          const out = protectTable2DWithRegister({ rows: rowNames, columns: cols, cells: next }, register);
          if (out.status === 'ok') expect(findDifferencingConflicts(out.table, register)).toEqual([]);
          else expect(out.conflicts.length > 0 || out.table.withheld).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses to compare tables of different shapes', () => {
    const a = protectTable1D({ categories: ['x', 'y'], counts: [10, 12] });
    const b = protectTable1D({ categories: ['x', 'z'], counts: [10, 12] });
    expect(() => findDifferencingConflicts(b, [{ id: 'old', table: a }])).toThrowError(AppError);
  });
});
