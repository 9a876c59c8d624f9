#!/usr/bin/env node
// The `relief` command (package.json "bin"): registers tsx's ESM loader with the project's tsconfig,
// whatever the working directory, then runs the TypeScript entry bin/relief.ts.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('./relief.ts');
