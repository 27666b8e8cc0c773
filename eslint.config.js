// Lint rules, including the import direction of DESIGN.md §1 as errors:
// http, ui, cli -> domain folders -> store, access, vocab, shared; domain folders meet only through index.ts;
// pure numerical modules import no database code.
import tseslint from 'typescript-eslint';

const domains = ['records', 'coalitions', 'statements', 'interop', 'trends', 'linkage', 'estimate', 'portal'];
const doors = ['http', 'ui', 'cli'];
const foundation = ['store', 'access', 'vocab', 'shared', 'config'];

const rel = (names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;
const noDoors = { regex: rel(doors), message: 'Domain and foundation code must not import http, ui or cli.' };
const noDomains = { regex: rel(domains), message: 'Foundation code must not import domain folders.' };
const domainViaIndex = {
  // A domain's database-facing part may have its own index (linkage/platform/index.ts).
  regex: `^(\\.\\./)+(${domains.join('|')})/(?!(platform/)?index\\.js$)`,
  message: 'Domain folders import each other only through their index.ts.',
};
const noDatabase = {
  regex: `^(kysely|pg|@electric-sql/pglite)$|^(\\.\\./)+store(/|$)`,
  message: 'Pure numerical modules import no database code.',
};

function restrict(files, patterns) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'artifacts/**', 'bin/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  restrict(foundation.map((f) => `src/${f}/**`), [noDoors, noDomains]),
  restrict(domains.map((d) => `src/${d}/**`), [noDoors, domainViaIndex]),
  restrict(['src/estimate/**', 'src/linkage/em*.ts', 'src/trends/*.stats.ts', 'src/trends/stats/**'], [
    noDoors,
    domainViaIndex,
    noDatabase,
  ]),
  restrict(['src/http/**', 'src/ui/**', 'src/cli/**'], [domainViaIndex]),
  // Tests may set up data through any part of the app; the direction rule is about what ships.
  { files: ['**/*.test.ts', '**/*.test.tsx'], rules: { 'no-restricted-imports': 'off' } },
  // Heavy libraries are imported with import() where they are used: a process that imports the
  // record or interop modules (an import of a million rows under its 500 MB bound) must not carry
  // ~70 MB of them. Statements (served by the web process, which uses sharp for every hero image)
  // may import sharp as usual.
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'src/statements/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['exceljs', 'sharp', 'age-encryption'].map((name) => ({
          name,
          allowTypeImports: true,
          message: `Load ${name} with import() where it is used (see eslint.config.js).`,
        })),
      ],
    },
  },
);
