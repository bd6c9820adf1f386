#!/usr/bin/env node
// Turns a backend package's `src/schema/openapi.yaml` into `src/schema/openapi.generated.ts`:
// the spec as a typed constant and a `createOpenApiRouter` bound to it, so routes are
// typed and validated from the one schema. `--check` fails when the file is stale.
// (@backstage/repo-tools does this too, but needs a Java generator downloaded at run time.)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const check = args.includes('--check');
const packages = args.filter(a => a !== '--check');
if (packages.length === 0) {
  console.error('usage: generate-openapi.mjs [--check] <package-dir>...');
  process.exit(2);
}

let stale = 0;
for (const dir of packages) {
  const source = path.join(dir, 'src/schema/openapi.yaml');
  const target = path.join(dir, 'src/schema/openapi.generated.ts');
  const spec = parse(readFileSync(source, 'utf8'));
  const content = `// This file is generated from openapi.yaml by scripts/generate-openapi.mjs; do not edit.
/* eslint-disable */
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

export const spec = ${JSON.stringify(spec, undefined, 2)} as const;

export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
) => createValidatedOpenApiRouter<typeof spec>(spec, options);
`;
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current === content) continue;
  if (check) {
    console.error(`${target} is stale: run node scripts/generate-openapi.mjs ${dir}`);
    stale += 1;
  } else {
    writeFileSync(target, content);
    console.log(`wrote ${target}`);
  }
}
process.exit(stale ? 1 : 0);
