import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { Sandbox } from '../startSandbox';

/** client-node clients configured from a sandbox's own kubeconfig. */
export function clientsFor(sandbox: Sandbox, token?: string) {
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig({ token }));
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/** Resolves with the error a promise rejects with (fails if it resolves). */
export async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

/** Parses the Status body of a client-node ApiException. */
export function statusOf(e: any): any {
  return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
}

/** Polls until `check` returns a truthy value or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met in ${timeoutMs}ms ${last ? String(last) : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, 20));
  }
}

export function deployment(
  name: string,
  image = 'nginx:1.25',
  replicas = 2,
  extra: any = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...extra.metadata },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      progressDeadlineSeconds: extra.progressDeadlineSeconds,
      template: {
        metadata: { labels: { app: name }, annotations: extra.podAnnotations },
        spec: {
          containers: [
            { name: 'app', image, ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

/** A raw HTTPS request to the sandbox (token defaults to the sandbox's). */
export function rawRequest(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: {
    body?: unknown;
    token?: string | null;
    contentType?: string;
    accept?: string;
  } = {},
): Promise<{
  code: number;
  body: any;
  text: string;
  raw: Buffer;
  headers: IncomingHttpHeaders;
}> {
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json',
  };
  if (options.accept) headers.Accept = options.accept;
  const token = options.token === undefined ? sandbox.token : options.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sandbox.url}${path}`,
      { method, ca: sandbox.caData, headers },
      r => {
        const chunks: Buffer[] = [];
        r.on('data', d => chunks.push(d));
        r.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString();
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({
            code: r.statusCode ?? 0,
            body,
            text,
            raw,
            headers: r.headers,
          });
        });
      },
    );
    req.on('error', reject);
    const { body } = options;
    req.end(
      body === undefined || typeof body === 'string'
        ? body
        : JSON.stringify(body),
    );
  });
}
