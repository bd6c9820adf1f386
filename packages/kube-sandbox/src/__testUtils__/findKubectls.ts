import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A kubectl binary and its client version (`1.32`). */
export interface Kubectl {
  bin: string;
  version: string;
}

/**
 * The kubectl binaries to test with, one per version: every `kubectl` on
 * PATH (1.32 here), /usr/bin/kubectl (Debian's kubernetes-client 1.20 where
 * it is installed), the oldest one the Cloud SDK ships, and any listed in
 * `KUBECTL_BINARIES` (colon-separated). Old clients differ in what they send
 * (protobuf generators, dry runs, diff), so each gets the same tests.
 */
export function findKubectls(): Kubectl[] {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map(dir => path.join(dir, 'kubectl')),
    '/usr/bin/kubectl',
    '/usr/lib/google-cloud-sdk/bin/kubectl.1.27',
    ...(process.env.KUBECTL_BINARIES ?? '').split(':').filter(Boolean),
  ];
  const byVersion = new Map<string, Kubectl>();
  for (const bin of candidates) {
    if (!fs.existsSync(bin)) continue;
    try {
      const out = execFileSync(bin, ['version', '--client', '-o', 'json'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10000,
      });
      const { major, minor } = JSON.parse(out.toString()).clientVersion;
      const version = `${major}.${String(minor).replace(/\D+$/, '')}`;
      if (!byVersion.has(version)) byVersion.set(version, { bin, version });
    } catch {
      // Not a working kubectl.
    }
  }
  return [...byVersion.values()];
}
