#!/usr/bin/env node
// Runs every check of `./platform test` in order and ends with one line:
// `N passed, N failed`. Each test counts once; the type check and the lint count
// as one check each. Individual steps can be picked: `./platform test unit e2e`.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const PG_DEFAULT = 'postgresql://postgres@127.0.0.1:5432';
const isCI = ['true', '1'].includes(String(process.env.CI).toLowerCase());

const tally = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function say(line) {
  process.stdout.write(`[test] ${line}\n`);
}

function run(command, args, env = {}) {
  return new Promise(resolve => {
    say(`$ ${[command, ...args].join(' ')}`);
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('close', code => resolve(code ?? 1));
  });
}

function canConnect(host, port) {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function check(name, ok) {
  if (ok) {
    tally.passed += 1;
  } else {
    tally.failed += 1;
    failures.push(name);
  }
}

async function preparePostgres() {
  if (process.env[PG_ENV]) {
    say(`PostgreSQL: using ${PG_ENV} from the environment`);
    return true;
  }
  if (await canConnect('127.0.0.1', 5432)) {
    process.env[PG_ENV] = PG_DEFAULT;
    say(
      'PostgreSQL: found at 127.0.0.1:5432; database tests run on SQLite and PostgreSQL',
    );
    return true;
  }
  if (isCI) {
    say('PostgreSQL: NOT reachable at 127.0.0.1:5432, and CI=true requires it');
    return false;
  }
  say(
    'PostgreSQL: not reachable at 127.0.0.1:5432; database tests run on SQLite only',
  );
  return true;
}

const steps = {
  async openapi() {
    check(
      'generated OpenAPI routers are up to date',
      (await run('node', [
        'scripts/generate-openapi.mjs',
        '--check',
        'plugins/app-platform-backend',
      ])) === 0,
    );
  },
  async typecheck() {
    check('type check (tsc)', (await run('tsc', [])) === 0);
  },
  async lint() {
    check('lint', (await run('backstage-cli', ['repo', 'lint'])) === 0);
  },
  async unit() {
    check('PostgreSQL available', await preparePostgres());
    const report = path.join(resultsDir, 'jest.json');
    rmSync(report, { force: true });
    // CI=true: without it `backstage-cli repo test` turns to Jest's watch
    // mode in a git checkout, which in a clean clone runs nothing and never
    // exits. The flag `--ci` alone does not prevent that.
    const code = await run(
      'backstage-cli',
      ['repo', 'test', '--ci', '--json', `--outputFile=${report}`],
      { CI: 'true' },
    );
    if (!existsSync(report)) {
      check('unit and integration tests (no report written)', false);
      return;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    tally.passed += r.numPassedTests;
    tally.failed += r.numFailedTests;
    tally.skipped += r.numPendingTests + r.numTodoTests;
    for (const suite of r.testResults) {
      for (const t of suite.assertionResults) {
        if (t.status === 'failed') failures.push(t.fullName);
      }
      // A suite that fails to load has no assertions but must still fail the run.
      if (suite.status === 'failed' && suite.assertionResults.length === 0) {
        check(`test file ${path.relative(root, suite.name)}`, false);
      }
    }
    if (code !== 0 && r.numFailedTests === 0 && r.numFailedTestSuites === 0) {
      check('unit test runner exit code', false);
    }
  },
  async start() {
    // `./platform start` itself (scripts/start.test.mjs): the README's PostgreSQL
    // command comes up and stops cleanly; failed starts exit with the reason.
    // Its portals use their own free ports, so they never meet the e2e portal.
    const report = path.join(resultsDir, 'start.tap');
    rmSync(report, { force: true });
    const code = await run('node', [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${report}`,
      'scripts/start.test.mjs',
    ]);
    if (!existsSync(report)) {
      check('start tests (no report written)', false);
      return;
    }
    const tap = readFileSync(report, 'utf8');
    const count = name =>
      Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
    tally.passed += count('pass');
    tally.failed += count('fail') + count('cancelled');
    tally.skipped += count('skipped') + count('todo');
    for (const m of tap.matchAll(/^not ok \d+ - (.*)$/gm))
      failures.push(`start: ${m[1]}`);
    if (code !== 0 && count('fail') + count('cancelled') === 0) {
      check('start test runner exit code', false);
    }
  },
  async e2e() {
    const report = path.join(resultsDir, 'playwright.json');
    rmSync(report, { force: true });
    // The portal under test keeps its SQLite files here (see playwright.config.ts).
    rmSync(path.join(resultsDir, 'e2e-data'), { recursive: true, force: true });
    const code = await run('playwright', ['test', '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
    });
    if (!existsSync(report)) {
      check('browser tests (no report written)', false);
      return;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    tally.passed += r.stats.expected + r.stats.flaky;
    tally.failed += r.stats.unexpected;
    tally.skipped += r.stats.skipped;
    if (code !== 0 && r.stats.unexpected === 0) {
      check('browser test runner exit code', false);
    }
  },
};

const wanted = process.argv.slice(2);
const order = wanted.length ? wanted : Object.keys(steps);
for (const name of order) {
  if (!steps[name]) {
    say(`unknown step "${name}"; steps are: ${Object.keys(steps).join(', ')}`);
    process.exit(2);
  }
}
for (const name of order) {
  say(`--- ${name}`);
  await steps[name]();
}

if (failures.length) {
  say('failed:');
  for (const f of failures) say(`  - ${f}`);
}
const skipped = tally.skipped ? `, ${tally.skipped} skipped` : '';
process.stdout.write(
  `${tally.passed} passed, ${tally.failed} failed${skipped}\n`,
);
process.exit(tally.failed ? 1 : 0);
