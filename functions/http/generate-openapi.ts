import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi.ts';
import { apiRoutes } from './routes.ts';

/**
 * `npm run api:generate` (first step): writes functions/http/openapi.json, the document GET /openapi.json
 * serves, from every route's spec. `-- --check` only says whether it is stale.
 */
export const OPENAPI_FILE = new URL('./openapi.json', import.meta.url);

export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(apiRoutes), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileURLToPath(OPENAPI_FILE);
  const generated = openApiJson();
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first generation
  }
  if (current === generated) console.log(`api: ${file} is up to date`);
  else if (process.argv.includes('--check')) {
    console.error(`api: ${file} is stale; run npm run api:generate`);
    process.exit(1);
  } else {
    writeFileSync(file, generated);
    console.log(`api: wrote ${file}`);
  }
}
