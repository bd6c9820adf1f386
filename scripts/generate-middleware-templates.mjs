#!/usr/bin/env node
// Writes one Software Template per middleware definition (templates/middleware/<name>/)
// to templates/software/middleware/<name>.yaml, its form built from the definition's
// parameter schema, and removes the templates of definitions that are gone. `--check`
// writes nothing and fails when a committed template is stale (the scaffolder module's
// tests check the same). The generator is TypeScript in the scaffolder module, beside the
// action the templates call; Backstage's node transform loads it.
//
//   ./platform env node scripts/generate-middleware-templates.mjs [--check]
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
require('@backstage/cli/config/nodeTransform.cjs');
const {
  generateMiddlewareSoftwareTemplates,
  MIDDLEWARE_TEMPLATES_DIR,
} = require('../plugins/scaffolder-backend-module-app-platform/src/middlewareTemplates/generateMiddlewareSoftwareTemplates.ts');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const wanted = await generateMiddlewareSoftwareTemplates(root);
const targetDir = path.join(root, MIDDLEWARE_TEMPLATES_DIR);
const present = existsSync(targetDir)
  ? readdirSync(targetDir)
      .filter(name => name.endsWith('.yaml'))
      .map(name => `${MIDDLEWARE_TEMPLATES_DIR}/${name}`)
  : [];

let stale = 0;
for (const [file, content] of wanted) {
  const target = path.join(root, file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === content) continue;
  stale += 1;
  if (check) {
    console.error(`${file} is ${current === undefined ? 'missing' : 'stale'}`);
  } else {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${file}`);
  }
}
for (const file of present.filter(f => !wanted.has(f))) {
  stale += 1;
  if (check) {
    console.error(`${file} has no definition any more`);
  } else {
    rmSync(path.join(root, file));
    console.log(`removed ${file}`);
  }
}
if (check && stale) {
  console.error(
    'Run: ./platform env node scripts/generate-middleware-templates.mjs',
  );
  process.exit(1);
}
