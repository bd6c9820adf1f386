/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { faultCommand, FAULT_USAGE } from './faultCommand';
import { Sandbox, startSandbox } from './startSandbox';

const USAGE = `Usage: kube-sandbox serve [options]
       kube-sandbox fault [options] <action>   (see kube-sandbox fault --help)

Options:
  --clusters N          number of clusters to start (default 1)
  --port-base N         first port; cluster i listens on N+i (default: random,
                        or the port saved in --state-dir)
  --state-dir DIR       persist state per cluster under DIR/<name>
  --kubeconfig-dir DIR  write <name>.kubeconfig, <name>.ca.crt and (last,
                        once listening) <name>.token to DIR
                        (default: ./.kube-sandbox)
  --name PREFIX         cluster name prefix for --clusters (default: sandbox)
  --names A,B           cluster names instead of PREFIX-1, PREFIX-2, ...
                        (sets --clusters to their count)
  --speed X             controller speed factor (default 1)
`;

function parseArgs(argv: string[]) {
  const [command, ...rest] = argv;
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    flags[key] = inline ?? rest[++i];
    if (flags[key] === undefined) throw new Error(`missing value for --${key}`);
  }
  return { command, flags };
}

/** Entry point of `bin/kube-sandbox`. */
export async function main(argv: string[]) {
  if (argv[0] === 'fault') {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(FAULT_USAGE);
      return;
    }
    try {
      console.log(JSON.stringify(await faultCommand(argv.slice(1)), null, 2));
    } catch (e) {
      console.error(`kube-sandbox fault: ${(e as Error).message}`);
      process.exitCode = 1;
    }
    return;
  }
  const { command, flags } = parseArgs(argv);
  if (command !== 'serve') {
    console.log(USAGE);
    process.exitCode = command === 'help' || command === undefined ? 0 : 1;
    return;
  }
  const names = flags.names
    ? flags.names.split(',').map(n => n.trim())
    : undefined;
  const clusters = names ? names.length : Number(flags.clusters ?? 1);
  const portBase = flags['port-base'] ? Number(flags['port-base']) : undefined;
  const prefix = flags.name ?? 'sandbox';
  const kubeconfigDir = path.resolve(
    flags['kubeconfig-dir'] ?? '.kube-sandbox',
  );
  const speed = Number(flags.speed ?? 1);

  const sandboxes: Sandbox[] = [];
  for (let i = 0; i < clusters; i++) {
    const name = names?.[i] ?? `${prefix}-${i + 1}`;
    const sandbox = await startSandbox({
      name,
      port: portBase !== undefined ? portBase + i : undefined,
      persistDir: flags['state-dir']
        ? path.resolve(flags['state-dir'], name)
        : undefined,
      controller: { speed },
    });
    const file = path.join(kubeconfigDir, `${name}.kubeconfig`);
    await sandbox.writeKubeconfig(file);
    // The CA and token on their own, for configs that take files
    // (appPlatform.clusters[].caFile / tokenFile).
    await fs.promises.writeFile(
      path.join(kubeconfigDir, `${name}.ca.crt`),
      sandbox.caData,
    );
    await fs.promises.writeFile(
      path.join(kubeconfigDir, `${name}.token`),
      sandbox.token,
      {
        mode: 0o600,
      },
    );
    sandboxes.push(sandbox);
    console.log(`${name}: ${sandbox.url} kubeconfig=${file}`);
  }
  console.log('kube-sandbox ready (Ctrl-C to stop)');

  const shutdown = async () => {
    await Promise.all(sandboxes.map(s => s.stop()));
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
