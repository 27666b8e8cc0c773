/**
 * A separate process that imports a file into a data folder and prints its progress, so a test can
 * kill it with SIGKILL at a chosen moment. Arguments: DATA_DIR FILE. The master key comes from
 * ATALAYA_MASTER_KEY.
 */
import { createOrganisation, openRuntime } from '../../access/index.js';
import { loadConfig } from '../../config/index.js';
import { runImport } from '../import.service.js';
import { sheetProfile } from './spanish-sheet.js';

const [dataDir, file] = process.argv.slice(2);
// Always the data folder's embedded database: a test must never write to a server by accident.
const config = loadConfig({ ...process.env, DATABASE_URL: undefined, ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'silent' });
const rt = await openRuntime(config);
let org = await rt.ctx.db.selectFrom('organisation').select('id').where('slug', '=', 'kill-test').executeTakeFirst();
if (!org) org = { id: (await createOrganisation(rt.ctx, { slug: 'kill-test', name: 'Kill test' })).id };
process.stdout.write('READY\n');
const r = await runImport(rt.ctx, { kind: 'system', organisationId: org.id }, {
  profile: sheetProfile('kill'),
  file: file!,
  lang: 'en',
  batchSize: 100,
  onProgress: (p) => process.stdout.write(`PROGRESS ${p.phase} ${p.rows}\n`),
});
process.stdout.write(`DONE ${r.created} ${r.updated} ${r.unchanged}\n`);
await rt.close();
