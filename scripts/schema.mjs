// npm run schema: writes schema/*.json from the zod schemas in api/ (compiled to dist/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemaFiles } from '../dist/api/json-schema.js';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(jsonSchemaFiles())) writeFileSync(new URL(name, dir), text);
console.log(`wrote ${Object.keys(jsonSchemaFiles()).length} files to schema/`);
