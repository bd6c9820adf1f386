#!/usr/bin/env node
// `./platform start [--config <file>]...`: runs the portal for development and
// watches it. It starts the sandbox clusters (packages/kube-sandbox), the backend
// (`backstage-cli package start` in packages/backend) and the app's dev server
// (`backstage-cli package start` in packages/app), waits until the backend is
// healthy and the app serves its page, and then keeps watching them: when any of
// them exits, or the backend does not become healthy in time, it stops the others,
// prints the reason and exits non-zero. Ctrl-C (SIGINT) or SIGTERM stops everything.
//
// Configuration, lowest precedence first:
//   1. app-config.yaml (always the base) and app-config.local.yaml if present;
//   2. the --config files in the order given, relative to the repository root
//      (or absolute), e.g. `--config app-config.production.yaml`;
//   3. the development layer this script writes to <data>/app-config.platform.yaml:
//      the app on http://localhost:$APP_PLATFORM_APP_PORT (3000) and the backend on
//      http://localhost:$APP_PLATFORM_BACKEND_PORT (7007), whatever the overlays say
//      (app-config.production.yaml serves the app from the backend); and catalog
//      file locations that only exist relative to the repository root (as the
//      production image runs from there) made absolute, since the backend runs in
//      packages/backend here;
//   4. APP_CONFIG_* environment variables.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const backendDir = path.join(root, 'packages/backend');
const appDir = path.join(root, 'packages/app');
const requireFromRoot = createRequire(path.join(root, 'package.json'));
const requireFromBackend = createRequire(path.join(backendDir, 'package.json'));

// Output may go to a pipe that is closed early (e.g. a test runner that ignores it).
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

function log(line) {
  process.stderr.write(`[platform] ${line}\n`);
}

class StartError extends Error {}

function usage(message) {
  log(message);
  process.stderr.write(
    'usage: ./platform start [--config <file>]...\n' +
      '  --config <file>  a config overlay on top of app-config.yaml, relative to the\n' +
      '                   repository root, e.g. --config app-config.production.yaml\n',
  );
  process.exit(2);
}

function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) {
    usage(`${name} must be a port number, got "${raw}"`);
  }
  return n;
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const files = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--config') {
      if (i + 1 >= argv.length) usage('--config needs a file');
      files.push(argv[(i += 1)]);
    } else if (arg.startsWith('--config=')) {
      files.push(arg.slice('--config='.length));
    } else if (arg === '-h' || arg === '--help') {
      usage('runs the portal for development');
    } else {
      usage(`unknown argument "${arg}"`);
    }
  }
  return files;
}

function resolveConfigFiles(args) {
  const base = path.join(root, 'app-config.yaml');
  const local = path.join(root, 'app-config.local.yaml');
  const files = [base];
  if (fs.existsSync(local)) files.push(local);
  for (const arg of args) {
    // Relative to the repository root, not to packages/backend or packages/app
    // where the backend and the dev server run.
    const file = path.resolve(root, arg);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new StartError(
        `config file not found: ${file} (--config paths are relative to the repository root, ${root})`,
      );
    }
    if (!files.includes(file)) files.push(file);
  }
  return files;
}

// ------------------------------------------------------------------- config

async function loadMergedConfig(files) {
  const { ConfigSources } = requireFromRoot('@backstage/config-loader');
  const source = ConfigSources.default({
    rootDir: root,
    argv: files.flatMap(f => ['--config', f]),
    env: process.env,
  });
  try {
    const config = await ConfigSources.toConfig(source);
    config.close();
    return config;
  } catch (error) {
    throw new StartError(
      `cannot read the configuration: ${error.message ?? error}`,
    );
  }
}

/** Catalog file locations that only resolve from the repository root, made absolute. */
function rootRelativeLocations(config) {
  const locations = config.getOptional('catalog.locations');
  if (!Array.isArray(locations)) return undefined;
  let changed = false;
  const result = locations.map(location => {
    const target = location?.target;
    if (
      location?.type !== 'file' ||
      typeof target !== 'string' ||
      path.isAbsolute(target)
    ) {
      return location;
    }
    if (fs.existsSync(path.resolve(backendDir, target))) return location;
    const fromRoot = path.resolve(root, target);
    if (!fs.existsSync(fromRoot)) return location;
    changed = true;
    return { ...location, target: fromRoot };
  });
  return changed ? result : undefined;
}

function developmentLayer(config, ports) {
  const layer = {
    app: { baseUrl: `http://localhost:${ports.app}` },
    backend: {
      baseUrl: `http://localhost:${ports.backend}`,
      // A string, as app-config.production.yaml has it (`':7007'`): an object
      // over a string fails to read.
      listen: `:${ports.backend}`,
      cors: { origin: `http://localhost:${ports.app}` },
    },
  };
  const locations = rootRelativeLocations(config);
  if (locations) layer.catalog = { locations };
  return layer;
}

// ---------------------------------------------------------------- preflight

function portFree(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

async function checkPorts(ports) {
  const wanted = [
    [ports.app, 'the app (APP_PLATFORM_APP_PORT)'],
    [ports.backend, 'the backend (APP_PLATFORM_BACKEND_PORT)'],
    [ports.sandbox, 'the sandbox cluster "test" (APP_PLATFORM_SANDBOX_PORT)'],
    [
      ports.sandbox + 1,
      'the sandbox cluster "production" (APP_PLATFORM_SANDBOX_PORT + 1)',
    ],
  ];
  for (const [port, what] of wanted) {
    if (!(await portFree(port))) {
      throw new StartError(
        `port ${port} for ${what} is already in use; stop what listens there or choose another port`,
      );
    }
  }
}

async function checkDatabase(config) {
  const client = config.getOptionalString('backend.database.client');
  if (client !== 'pg') return;
  const connection = config.getOptional('backend.database.connection');
  const { Client } = requireFromBackend('pg');
  const options =
    typeof connection === 'string'
      ? { connectionString: connection }
      : { ...(connection ?? {}), database: connection?.database ?? 'postgres' };
  const where =
    typeof connection === 'string'
      ? 'the connection string in backend.database.connection'
      : `${options.host ?? process.env.PGHOST ?? 'localhost'}:${
          options.port ?? process.env.PGPORT ?? 5432
        } as user ${options.user ?? process.env.PGUSER ?? '(default)'}`;
  const unset =
    typeof connection === 'object' && connection
      ? ['host', 'port', 'user'].filter(k => connection[k] === undefined)
      : [];
  const hint = unset.length
    ? ` (backend.database.connection has no ${unset.join(
        ', ',
      )}: app-config.production.yaml reads them from POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER and POSTGRES_PASSWORD)`
    : '';
  const pg = new Client({ ...options, connectionTimeoutMillis: 10_000 });
  pg.on('error', () => {});
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (error) {
    throw new StartError(
      `cannot connect to the PostgreSQL database (backend.database.connection) at ${where}: ${
        error.message || error.code || error
      }${hint}`,
    );
  } finally {
    await pg.end().catch(() => {});
  }
  log(`PostgreSQL answers at ${where}`);
}

// ------------------------------------------------------------------ children

const children = [];
let stopping = false;

function spawnChild(name, command, args, options) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = {
    name,
    child,
    lines: [],
    exited: false,
    code: null,
    signal: null,
  };
  const keep = chunk => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      // eslint-disable-next-line no-control-regex
      entry.lines.push(line.replace(/\u001b\[[0-9;]*m/g, ''));
      if (entry.lines.length > 300) entry.lines.shift();
    }
  };
  child.stdout.on('data', chunk => {
    process.stdout.write(chunk);
    keep(chunk);
  });
  child.stderr.on('data', chunk => {
    process.stderr.write(chunk);
    keep(chunk);
  });
  child.on('exit', (code, signal) => {
    entry.exited = true;
    entry.code = code;
    entry.signal = signal;
    if (!stopping) {
      fail(
        `the ${name} exited (${signal ? `signal ${signal}` : `code ${code}`})`,
        entry,
      );
    }
  });
  child.on('error', error => {
    entry.exited = true;
    if (!stopping)
      fail(`the ${name} could not be started: ${error.message}`, entry);
  });
  children.push(entry);
  return entry;
}

/** pid -> parent pid for every process, from `ps` (Linux and macOS). */
function processTable() {
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], {
      encoding: 'utf8',
    });
    const table = new Map();
    for (const line of out.split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid) table.set(pid, ppid);
    }
    return table;
  } catch {
    return new Map();
  }
}

function descendants(pid, table = processTable()) {
  const result = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const [p, pp] of table) {
      if (pp === parent) {
        result.push(p);
        queue.push(p);
      }
    }
  }
  return result;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopAll() {
  stopping = true;
  const table = processTable();
  const pids = [];
  for (const { child, exited } of children) {
    if (!child.pid) continue;
    pids.push(...descendants(child.pid, table));
    if (!exited) {
      pids.push(child.pid);
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  // Orphans of a child that has already exited (e.g. the backend process of a
  // backstage-cli that crashed) get the signal directly.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && pids.some(alive)) {
    await sleep(200);
  }
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

let failing = false;

async function fail(reason, entry) {
  if (failing || stopping) return;
  failing = true;
  const hints = (entry?.lines ?? [])
    .filter(l => /error|failed|refused|EADDRINUSE|cannot|unable/i.test(l))
    .slice(-6);
  await stopAll();
  log(`start failed: ${reason}`);
  if (hints.length) {
    log(`last errors of the ${entry.name}:`);
    for (const h of hints) process.stderr.write(`  ${h.slice(0, 500)}\n`);
  }
  log('stopped the app, the backend and the sandbox clusters');
  process.exit(1);
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function get(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    return {
      status: res.status,
      body,
      type: res.headers.get('content-type') ?? '',
    };
  } catch (error) {
    return {
      status: 0,
      body: String(error.cause?.code ?? error.message ?? error),
      type: '',
    };
  }
}

// --------------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ports = {
    app: intFromEnv('APP_PLATFORM_APP_PORT', 3000),
    backend: intFromEnv('APP_PLATFORM_BACKEND_PORT', 7007),
    sandbox: intFromEnv('APP_PLATFORM_SANDBOX_PORT', 6551),
  };
  const timeoutSeconds = Number(process.env.APP_PLATFORM_START_TIMEOUT || 300);

  // Everything the portal keeps: SQLite files, the sandbox clusters' state, the
  // development encryption key. A separate folder (e.g. for the browser tests)
  // can be chosen with APP_PLATFORM_DATA_DIR.
  const dataDir = path.resolve(
    root,
    process.env.APP_PLATFORM_DATA_DIR || 'data',
  );
  const sandboxDir = path.join(dataDir, 'kube-sandbox');
  fs.mkdirSync(sandboxDir, { recursive: true });
  process.env.APP_PLATFORM_DATA_DIR = dataDir;
  process.env.APP_PLATFORM_SANDBOX_TEST_PORT = String(ports.sandbox);
  process.env.APP_PLATFORM_SANDBOX_PRODUCTION_PORT = String(ports.sandbox + 1);
  if (!process.env.APP_PLATFORM_ENCRYPTION_KEY) {
    const keyFile = path.join(dataDir, 'encryption.key');
    if (!fs.existsSync(keyFile)) {
      fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('base64'), {
        mode: 0o600,
      });
    }
    process.env.APP_PLATFORM_ENCRYPTION_KEY = fs
      .readFileSync(keyFile, 'utf8')
      .trim();
  }

  const files = resolveConfigFiles(args);
  const config = await loadMergedConfig(files);
  const layerFile = path.join(dataDir, 'app-config.platform.yaml');
  fs.writeFileSync(
    layerFile,
    `# Written by ./platform start (scripts/start.mjs) on every start: the development\n` +
      `# topology on top of ${files
        .map(f => path.relative(root, f))
        .join(', ')}.\n` +
      `${JSON.stringify(developmentLayer(config, ports), null, 2)}\n`,
  );
  const configArgs = [...files, layerFile].flatMap(f => ['--config', f]);
  const show = f =>
    f.startsWith(`${root}${path.sep}`) ? path.relative(root, f) : f;
  log(`config: ${[...files, layerFile].map(show).join(', ')}`);

  await checkPorts(ports);
  await checkDatabase(config);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, async () => {
      if (stopping) return;
      log(`${signal}: stopping the app, the backend and the sandbox clusters`);
      await stopAll();
      process.exit(0);
    });
  }

  // The two sandbox clusters app-config.yaml registers by default ("test" and
  // "production"); their CA, tokens and objects persist under the data folder.
  for (const f of fs.readdirSync(sandboxDir)) {
    if (f.endsWith('.token')) fs.rmSync(path.join(sandboxDir, f));
  }
  log(
    `starting sandbox clusters test (:${ports.sandbox}) and production (:${
      ports.sandbox + 1
    })`,
  );
  const sandbox = spawnChild(
    'sandbox clusters (kube-sandbox)',
    process.execPath,
    [
      path.join(root, 'packages/kube-sandbox/bin/kube-sandbox'),
      'serve',
      '--names',
      'test,production',
      '--port-base',
      String(ports.sandbox),
      '--state-dir',
      path.join(sandboxDir, 'state'),
      '--kubeconfig-dir',
      sandboxDir,
    ],
    { cwd: root },
  );
  for (
    let i = 0;
    !fs.existsSync(path.join(sandboxDir, 'production.token'));
    i += 1
  ) {
    if (sandbox.exited) return;
    if (i > 300) {
      fail('the sandbox clusters did not come up within 60 s', sandbox);
      return;
    }
    await sleep(200);
  }

  const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');
  log(
    `starting the backend on :${ports.backend} and the app on :${ports.app} (Ctrl-C stops everything)`,
  );
  const backend = spawnChild(
    'backend',
    process.execPath,
    [cli, 'package', 'start', ...configArgs],
    { cwd: backendDir },
  );
  spawnChild(
    'app dev server',
    process.execPath,
    [cli, 'package', 'start', ...configArgs],
    {
      cwd: appDir,
    },
  );

  // backstage-cli keeps running (waiting for a file change) when the backend
  // process it runs exits; watch that process too.
  let backendSeen = false;
  let backendMissingSince = 0;
  const watchBackendProcess = () => {
    if (stopping || backend.exited) return;
    const running =
      backend.child.pid && descendants(backend.child.pid).length > 0;
    if (running) {
      backendSeen = true;
      backendMissingSince = 0;
    } else if (backendSeen) {
      // A restart after a file change replaces the process within a moment.
      backendMissingSince ||= Date.now();
      if (Date.now() - backendMissingSince > 5000) {
        fail('the backend process exited', backend);
      }
    }
  };
  setInterval(watchBackendProcess, 1000).unref();

  const backendUrl = `http://localhost:${ports.backend}`;
  const appUrl = `http://localhost:${ports.app}`;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const waitFor = async (what, probe) => {
    let last;
    while (!stopping && !failing) {
      last = await probe();
      if (last.ok) return;
      if (Date.now() > deadline) {
        fail(
          `${what} did not answer within ${timeoutSeconds} s (APP_PLATFORM_START_TIMEOUT); last answer: ${last.detail}`,
          backend,
        );
        return;
      }
      await sleep(1000);
    }
  };
  const healthProbe = path => async () => {
    const r = await get(`${backendUrl}${path}`);
    return {
      ok: r.status === 200,
      detail: `${r.status || ''} ${r.body.slice(0, 300)}`.trim(),
    };
  };
  await waitFor(
    `the backend's readiness (${backendUrl}/.backstage/health/v1/readiness)`,
    healthProbe('/.backstage/health/v1/readiness'),
  );
  await waitFor(
    `the App Platform health (${backendUrl}/api/app-platform/health)`,
    healthProbe('/api/app-platform/health'),
  );
  await waitFor(`the app (${appUrl})`, async () => {
    const r = await get(appUrl);
    return {
      ok: r.status === 200 && r.type.includes('text/html'),
      detail: `${r.status || ''} ${r.body.slice(0, 200)}`.trim(),
    };
  });
  if (!stopping && !failing) {
    log(
      `ready: app ${appUrl}, backend ${backendUrl} (Ctrl-C stops everything)`,
    );
  }
}

main().catch(async error => {
  if (error instanceof StartError) {
    await stopAll();
    log(`start failed: ${error.message}`);
    process.exit(1);
  }
  await stopAll();
  log(`start failed: ${error?.stack ?? error}`);
  process.exit(1);
});
