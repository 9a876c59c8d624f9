import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, generateApiTypes } from './api-types.ts';

/** `npm run api:generate` writes web/src/api/schema.d.ts; `-- --check` only says whether it is stale. */
const check = process.argv.includes('--check');
const generated = await generateApiTypes();
const file = fileURLToPath(API_TYPES_FILE);
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {
  // first generation
}
if (current === generated) {
  console.log(`api: ${file} is up to date`);
} else if (check) {
  console.error(`api: ${file} is stale; run npm run api:generate`);
  process.exit(1);
} else {
  writeFileSync(file, generated);
  console.log(`api: wrote ${file}`);
}
