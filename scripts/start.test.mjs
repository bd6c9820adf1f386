// Tests of `./platform start` (scripts/start.mjs), run by `./platform test start`:
// the README's PostgreSQL command comes up and stops cleanly, and a start that
// cannot succeed exits non-zero with the reason instead of hanging. Every portal
// here runs on its own free ports and in a temporary data folder, so it does not
// collide with a portal on :3000/:7007; the PostgreSQL databases it creates get a
// unique prefix and are dropped at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Client } = createRequire(
  path.join(root, 'packages/backend/package.json'),
)('pg');
const isCI = ['true', '1'].includes(String(process.env.CI).toLowerCase());

// The PostgreSQL the database tests use (see scripts/run-tests.mjs).
const pgUrl = new URL(
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
    'postgresql://postgres@127.0.0.1:5432',
);
const pg = {
  host: pgUrl.hostname,
  port: Number(pgUrl.port || 5432),
  user: decodeURIComponent(pgUrl.username || 'postgres'),
  password: decodeURIComponent(pgUrl.password || 'secret'),
};
const prefix = `apstart_${process.pid}_${Date.now().toString(36)}_`;

const tmpDirs = [];
after(async () => {
  // Leftovers of a failed test: processes of our portals, databases, folders.
  for (const dir of tmpDirs) {
    for (const pid of portalProcesses(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (await pgAnswers()) await dropDatabases();
});

async function withPg(fn) {
  const client = new Client({
    ...pg,
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function pgAnswers() {
  try {
    await withPg(c => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function ourDatabases() {
  return withPg(async c =>
    (
      await c.query(
        'select datname from pg_database where starts_with(datname, $1)',
        [prefix],
      )
    ).rows.map(r => r.datname),
  );
}

async function dropDatabases() {
  for (const name of await ourDatabases()) {
    await withPg(c => c.query(`drop database "${name}" with (force)`));
  }
}

function freePort(port = 0) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, exclusive: true }, () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
  });
}

/** A free port for the app, one for the backend and two in a row for the sandbox. */
async function freePorts() {
  for (;;) {
    const sandbox = 20000 + Math.floor(Math.random() * 20000);
    if ((await freePort(sandbox)) && (await freePort(sandbox + 1))) {
      return { app: await freePort(), backend: await freePort(), sandbox };
    }
  }
}

/** Processes started for the portal whose data folder is `dir` (they name it in their arguments). */
function portalProcesses(dir) {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,args='], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(line => line.includes(dir))
    .map(line => Number(line.trim().split(/\s+/)[0]))
    .filter(pid => pid && pid !== process.pid);
}

/** Runs `./platform start <args>` on free ports in a fresh data folder. */
async function start(args, env = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-platform-start-'));
  tmpDirs.push(dataDir);
  const ports = await freePorts();
  const child = spawn(path.join(root, 'platform'), ['start', ...args], {
    cwd: root,
    env: {
      ...process.env,
      APP_PLATFORM_DATA_DIR: dataDir,
      APP_PLATFORM_APP_PORT: String(ports.app),
      APP_PLATFORM_BACKEND_PORT: String(ports.backend),
      APP_PLATFORM_SANDBOX_PORT: String(ports.sandbox),
      APP_PLATFORM_START_TIMEOUT: '240',
      APP_CONFIG_backend_database_prefix: prefix,
      BROWSER: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  const exited = new Promise(resolve =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const began = Date.now();
  return {
    child,
    dataDir,
    ports,
    exited,
    output: () => output,
    seconds: () => Math.round((Date.now() - began) / 1000),
    /** Resolves with the exit, or rejects when it has not exited within `ms`. */
    async exitWithin(ms) {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `./platform start did not exit within ${
                  ms / 1000
                } s; output:\n${output.slice(-3000)}`,
              ),
            ),
          ms,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function get(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: await res.text(),
    };
  } catch (error) {
    return { status: 0, type: '', body: String(error) };
  }
}

async function until(what, portal, probe, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.ok) return;
    if (portal.child.exitCode !== null) {
      throw new Error(
        `./platform start exited while waiting for ${what}:\n${portal
          .output()
          .slice(-4000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${what} within ${ms / 1000} s; last: ${last?.detail}\n${portal
      .output()
      .slice(-3000)}`,
  );
}

async function assertAllStopped(portal) {
  // Stopping may still be reaping grandchildren for a moment.
  for (let i = 0; i < 20 && portalProcesses(portal.dataDir).length; i += 1) {
    await new Promise(r => setTimeout(r, 500));
  }
  assert.deepEqual(
    portalProcesses(portal.dataDir),
    [],
    'processes left running',
  );
  for (const port of [
    portal.ports.app,
    portal.ports.backend,
    portal.ports.sandbox,
    portal.ports.sandbox + 1,
  ]) {
    assert.ok(await freePort(port), `port ${port} still in use`);
  }
}

test(
  'a config file that does not exist: exits 1 naming it',
  { timeout: 60_000 },
  async () => {
    const portal = await start(['--config', 'app-config.nope.yaml']);
    const { code } = await portal.exitWithin(30_000);
    assert.equal(code, 1, portal.output());
    assert.match(
      portal.output(),
      /config file not found: .*app-config\.nope\.yaml/,
    );
    await assertAllStopped(portal);
  },
);

test(
  'a port already in use: exits 1 naming the port',
  { timeout: 60_000 },
  async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise(r => blocker.listen(port, r));
    try {
      const portal = await start([], {
        APP_PLATFORM_BACKEND_PORT: String(port),
      });
      const { code } = await portal.exitWithin(30_000);
      assert.equal(code, 1, portal.output());
      assert.match(
        portal.output(),
        new RegExp(`port ${port} for the backend .*already in use`),
      );
      await assertAllStopped({
        ...portal,
        ports: { ...portal.ports, backend: await freePort() },
      });
    } finally {
      blocker.close();
    }
  },
);

test(
  'PostgreSQL unreachable (wrong port): exits 1 naming the database connection',
  { timeout: 90_000 },
  async () => {
    const badPort = await freePort();
    const portal = await start(['--config', 'app-config.production.yaml'], {
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: String(badPort),
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'secret',
    });
    const { code } = await portal.exitWithin(60_000);
    assert.equal(code, 1, portal.output());
    assert.match(
      portal.output(),
      new RegExp(
        `start failed: cannot connect to the PostgreSQL database \\(backend\\.database\\.connection\\) at 127\\.0\\.0\\.1:${badPort}`,
      ),
    );
    await assertAllStopped(portal);
  },
);

test(
  'the backend crashing during startup: stops everything, exits 1 with the reason',
  { timeout: 300_000 },
  async () => {
    // An absolute --config path works too; this overlay makes the backend fail
    // after it has started (the checks before the start cannot see it).
    const overlay = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'app-platform-overlay-')),
      'broken.yaml',
    );
    tmpDirs.push(path.dirname(overlay));
    fs.writeFileSync(
      overlay,
      'backend:\n  database:\n    client: no-such-client\n',
    );
    const portal = await start(['--config', overlay]);
    const { code } = await portal.exitWithin(240_000);
    assert.equal(code, 1, portal.output());
    assert.match(
      portal.output(),
      /start failed: the backend (process )?exited/,
    );
    assert.match(portal.output(), /no-such-client/);
    assert.match(
      portal.output(),
      /stopped the app, the backend and the sandbox clusters/,
    );
    await assertAllStopped(portal);
  },
);

test(
  'PostgreSQL as the README says: ./platform start --config app-config.production.yaml',
  { timeout: 420_000 },
  async t => {
    if (!(await pgAnswers())) {
      assert.ok(
        !isCI,
        `PostgreSQL does not answer at ${pg.host}:${pg.port}, and CI=true requires it`,
      );
      t.skip(`PostgreSQL does not answer at ${pg.host}:${pg.port}`);
      return;
    }
    // The README's command, with the connection of the PostgreSQL under test.
    const portal = await start(['--config', 'app-config.production.yaml'], {
      POSTGRES_HOST: pg.host,
      POSTGRES_PORT: String(pg.port),
      POSTGRES_USER: pg.user,
      POSTGRES_PASSWORD: pg.password,
    });
    const backend = `http://localhost:${portal.ports.backend}`;
    await until(
      'the backend is not ready',
      portal,
      async () => {
        const r = await get(`${backend}/.backstage/health/v1/readiness`);
        return {
          ok: r.status === 200,
          detail: `${r.status} ${r.body.slice(0, 200)}`,
        };
      },
      300_000,
    );
    await until(
      'the App Platform health is not ok',
      portal,
      async () => {
        const r = await get(`${backend}/api/app-platform/health`);
        return {
          ok: r.status === 200 && JSON.parse(r.body).status === 'ok',
          detail: `${r.status} ${r.body.slice(0, 300)}`,
        };
      },
      60_000,
    );
    await until(
      'the app does not serve its page',
      portal,
      async () => {
        const r = await get(`http://localhost:${portal.ports.app}/`);
        return {
          ok:
            r.status === 200 &&
            r.type.includes('text/html') &&
            r.body.includes('<div id="root">'),
          detail: `${r.status} ${r.type}`,
        };
      },
      120_000,
    );
    await until(
      './platform start did not say it is ready',
      portal,
      async () => ({
        ok: /\[platform\] ready: app http:\/\/localhost:\d+, backend/.test(
          portal.output(),
        ),
        detail: 'no ready line',
      }),
      60_000,
    );
    t.diagnostic(`up in ${portal.seconds()} s`);

    // On PostgreSQL: every plugin has its database, and the App Platform's is migrated.
    const databases = await ourDatabases();
    for (const plugin of ['app-platform', 'catalog', 'auth', 'scaffolder']) {
      assert.ok(
        databases.includes(`${prefix}${plugin}`),
        `no database ${prefix}${plugin} in ${databases}`,
      );
    }
    const migrations = await withPg(async () => {
      const c = new Client({ ...pg, database: `${prefix}app-platform` });
      await c.connect();
      try {
        return Number(
          (await c.query('select count(*) from knex_migrations')).rows[0].count,
        );
      } finally {
        await c.end();
      }
    });
    assert.ok(migrations > 0, 'no App Platform migrations applied');
    assert.doesNotMatch(portal.output(), /EADDRINUSE/);

    // Stop it as Ctrl-C would (the signal reaches ./platform only): everything exits.
    portal.child.kill('SIGINT');
    const { code } = await portal.exitWithin(60_000);
    assert.equal(code, 0, portal.output().slice(-3000));
    await assertAllStopped(portal);
  },
);
