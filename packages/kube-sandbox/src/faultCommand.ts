import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';

export const FAULT_USAGE = `Usage: kube-sandbox fault [options] <action>

Switches faults on a running sandbox through its admin endpoint.

Actions:
  show                   print the current settings
  reset                  clear every fault
  set JSON               apply settings, e.g. '{"throttle":true,"retryAfterSeconds":2}'
  drop-watches           close every open watch stream
  <switch> on|off        blackhole, throttle, unavailable, down, watchStall
  <setting> N            latencyMs, errorRate, retryAfterSeconds, watchDelayMs,
                         downForMs

Options:
  --kubeconfig-dir DIR   where 'serve' wrote <name>.kubeconfig and <name>.token
                         (default: ./.kube-sandbox)
  --name NAME            the cluster (default: the only one in the directory)
  --kubeconfig FILE      use this kubeconfig instead of DIR/NAME
  --path P               scope the request faults to URL paths containing P
  --verbs V1,V2          scope them to these verbs (get, list, watch, create,
                         update, patch, delete, deletecollection)
`;

const SWITCHES = ['blackhole', 'throttle', 'unavailable', 'down', 'watchStall'];
const NUMBERS = [
  'latencyMs',
  'errorRate',
  'retryAfterSeconds',
  'watchDelayMs',
  'downForMs',
];

interface Target {
  server: string;
  ca: string;
  token: string;
}

/** The cluster's URL, CA and token from the files `serve` wrote. */
function loadTarget(flags: {
  'kubeconfig-dir'?: string;
  name?: string;
  kubeconfig?: string;
}): Target {
  let file = flags.kubeconfig;
  let tokenFile: string | undefined;
  if (!file) {
    const dir = path.resolve(flags['kubeconfig-dir'] ?? '.kube-sandbox');
    let name = flags.name;
    if (!name) {
      const names = fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter(f => f.endsWith('.kubeconfig'))
            .map(f => f.slice(0, -'.kubeconfig'.length))
        : [];
      if (names.length !== 1) {
        throw new Error(
          names.length
            ? `several clusters in ${dir} (${names.join(', ')}): pass --name`
            : `no <name>.kubeconfig in ${dir}: pass --kubeconfig-dir`,
        );
      }
      name = names[0];
    }
    file = path.join(dir, `${name}.kubeconfig`);
    tokenFile = path.join(dir, `${name}.token`);
  }
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist`);
  const config = YAML.parse(fs.readFileSync(file, 'utf8'));
  const context = config.contexts?.find(
    (x: any) => x.name === config['current-context'],
  )?.context;
  const cluster = config.clusters?.find(
    (x: any) => x.name === context?.cluster,
  )?.cluster;
  const user = config.users?.find((x: any) => x.name === context?.user)?.user;
  if (!cluster?.server) throw new Error(`${file} names no cluster server`);
  // The token file is the one `serve` writes last, once listening.
  const token =
    tokenFile && fs.existsSync(tokenFile)
      ? fs.readFileSync(tokenFile, 'utf8').trim()
      : user?.token;
  if (!token) throw new Error(`no token for ${file}`);
  return {
    server: cluster.server,
    ca: Buffer.from(
      cluster['certificate-authority-data'] ?? '',
      'base64',
    ).toString('utf8'),
    token,
  };
}

function call(target: Target, method: string, urlPath: string, body?: unknown) {
  return new Promise<unknown>((resolve, reject) => {
    const req = https.request(
      `${target.server}${urlPath}`,
      {
        method,
        ca: target.ca,
        headers: {
          Authorization: `Bearer ${target.token}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        let text = '';
        res.on('data', d => (text += d));
        res.on('end', () => {
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          if ((res.statusCode ?? 500) >= 400) {
            reject(new Error(parsed?.message ?? `HTTP ${res.statusCode}`));
          } else {
            resolve(parsed);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Turns the action words into a settings update (or a plain request). */
function toRequest(
  action: string[],
  match: Record<string, unknown> | undefined,
): { method: string; path: string; body?: Record<string, unknown> } {
  const [verb, value, ...extra] = action;
  if (extra.length) throw new Error(`unexpected ${extra.join(' ')}`);
  const faultsPath = '/__sandbox/faults';
  const withMatch = (update: Record<string, unknown>) => ({
    method: 'PATCH',
    path: faultsPath,
    body: match ? { ...update, match } : update,
  });
  if (verb === 'show' || verb === undefined) {
    return { method: 'GET', path: faultsPath };
  }
  if (verb === 'reset') return { method: 'POST', path: `${faultsPath}/reset` };
  if (verb === 'drop-watches') {
    return { method: 'POST', path: `${faultsPath}/drop-watches` };
  }
  if (verb === 'set') {
    if (!value) throw new Error(`set needs JSON, e.g. '{"throttle":true}'`);
    let update;
    try {
      update = JSON.parse(value);
    } catch (e) {
      throw new Error(`set: invalid JSON: ${(e as Error).message}`);
    }
    return withMatch(update);
  }
  if (SWITCHES.includes(verb)) {
    if (value !== 'on' && value !== 'off') {
      throw new Error(`${verb} takes on or off`);
    }
    return withMatch({ [verb]: value === 'on' });
  }
  if (NUMBERS.includes(verb)) {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n)) {
      throw new Error(`${verb} takes a number`);
    }
    return withMatch({ [verb]: n });
  }
  throw new Error(`unknown action ${verb}\n\n${FAULT_USAGE}`);
}

/**
 * `kube-sandbox fault ...`: changes the faults of a running sandbox and
 * returns the resulting settings (or the admin endpoint's answer).
 */
export async function faultCommand(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'kubeconfig-dir': { type: 'string' },
      name: { type: 'string' },
      kubeconfig: { type: 'string' },
      path: { type: 'string' },
      verbs: { type: 'string' },
    },
  });
  const match =
    values.path !== undefined || values.verbs !== undefined
      ? {
          ...(values.path !== undefined && { path: values.path }),
          ...(values.verbs !== undefined && {
            verbs: values.verbs.split(',').map(v => v.trim()),
          }),
        }
      : undefined;
  const request = toRequest(positionals, match);
  const target = loadTarget(values);
  return call(target, request.method, request.path, request.body);
}
