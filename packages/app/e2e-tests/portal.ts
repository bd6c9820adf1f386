import { expect, Page, APIRequestContext } from '@playwright/test';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';

/** Where the browser tests save their screenshots. */
export const screenshots = path.resolve(
  __dirname,
  '../../../test-results/screenshots',
);

/** The backend of the portal under test. */
export const backendUrl = 'http://localhost:7007';

/** Waits until the backend answers its health check (it starts alongside the app). */
export async function waitForBackend(
  request: APIRequestContext,
): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await request
            .get(`${backendUrl}/api/app-platform/health`)
            .catch(() => undefined)
        )?.status(),
      { timeout: 180_000, intervals: [1_000] },
    )
    .toBe(200);
}

/** Opens the portal and signs in as the guest user (a platform admin in development). */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible({ timeout: 120_000 });
  await enter.click();
  await expectSignedIn(page);
}

/**
 * Opens the portal and signs in as the viewer, user:default/viewer, who is NOT a
 * platform admin (the development-only `viewer` auth provider, app-config.yaml).
 */
export async function signInAsViewer(page: Page): Promise<void> {
  await page.goto('/');
  const card = page
    .getByRole('listitem')
    .filter({ hasText: 'Viewer (not an admin)' });
  const signIn = card.getByRole('button', { name: 'Sign In' });
  await expect(signIn).toBeVisible({ timeout: 120_000 });
  await signIn.click();
  await expectSignedIn(page);
}

async function expectSignedIn(page: Page): Promise<void> {
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * The Backstage token of a development user, from the same session as the browser
 * (the guest and viewer providers issue it to anyone who asks, in development only).
 */
export async function tokenOf(
  page: Page,
  provider: 'guest' | 'viewer',
): Promise<string> {
  const res = await page.request.get(
    `${backendUrl}/api/auth/${provider}/refresh?env=development`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

/**
 * An application owned by the guests with a service `web` whose first version
 * runs on both clusters, made through the REST API as the guest (a platform
 * admin); answers the service's Deployments tab.
 */
export async function applicationWithService(
  request: APIRequestContext,
  application: string,
): Promise<string> {
  const auth = await request.get(
    `${backendUrl}/api/auth/guest/refresh?env=development`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  const headers = {
    Authorization: `Bearer ${(await auth.json()).backstageIdentity.token}`,
  };
  const api = (p: string, data: unknown) =>
    request.post(`${backendUrl}/api/app-platform${p}`, { headers, data });

  // The owner must be in the catalog, which reads examples/org.yaml shortly
  // after start: a refused creation (400) leaves nothing behind, so retry.
  await expect
    .poll(
      async () =>
        (
          await api('/applications', {
            name: application,
            owner: 'group:default/guests',
            description: 'e2e',
          })
        ).status(),
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe(201);
  expect(
    (
      await api(`/applications/${application}/services`, {
        name: 'web',
        description: 'The shop front',
      })
    ).status(),
  ).toBe(201);
  // The namespaces come first: a deploy targets the clusters where the application is ready.
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(
              `${backendUrl}/api/app-platform/applications/${application}`,
              { headers },
            )
          ).json()
        ).namespaces.filter((n: { state: string }) => n.state === 'ready')
          .length,
      { timeout: 60_000 },
    )
    .toBe(2);
  const first = await api(
    `/applications/${application}/services/web/deployments`,
    {
      spec: {
        image: 'shop/web:1',
        replicas: 2,
        ports: [{ name: 'http', containerPort: 8080 }],
      },
      description: 'first version',
    },
  );
  expect(first.status()).toBe(202);
  return `/catalog/${application}/component/web/deployments`;
}

/**
 * The Kubernetes API of a sandbox cluster of the portal under test (`test`
 * or `production`), from the kubeconfig `./platform start` writes, so a
 * test can check what the platform put there.
 */
export function sandboxApps(cluster: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(
    path.resolve(
      __dirname,
      `../../../test-results/e2e-data/kube-sandbox/${cluster}.kubeconfig`,
    ),
  );
  return {
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
  };
}
