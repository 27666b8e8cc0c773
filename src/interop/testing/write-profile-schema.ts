/** Regenerates import-profile.schema.json from the zod schema: npx tsx src/interop/testing/write-profile-schema.ts */
import { writeFileSync } from 'node:fs';
import { profileJsonSchema } from '../import-profile.js';

writeFileSync(new URL('../import-profile.schema.json', import.meta.url), JSON.stringify(profileJsonSchema(), null, 2) + '\n');
