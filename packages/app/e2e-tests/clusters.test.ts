import { test, expect, Page } from '@playwright/test';
import { backendUrl, screenshots, signInAsGuest, waitForBackend } from './portal';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';

let staging: Sandbox;

test.beforeAll(async ({ request }) => {
  // Signing in needs the backend's auth, which starts alongside the app.
  await waitForBackend(request);
  // A third cluster, not in app-config: the test registers it through the form.
  staging = await startSandbox({ name: 'staging' });
});

test.afterAll(async () => {
  await staging?.stop();
});

/** The signed-in guest's Backstage token, from the same session as the browser. */
async function guestToken(page: Page): Promise<string> {
  const res = await page.request.get(`${backendUrl}/api/auth/guest/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

test('registers a cluster through the form and shows an application on every cluster', async ({ page }) => {
  await signInAsGuest(page);

  await page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Clusters' }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  // A row whose first cell is the cluster's name.
  const rowOf = (name: string) => page.getByRole('row', { name: new RegExp(`^${name} `) });
  await expect(rowOf('test')).toContainText('healthy');
  await expect(rowOf('production')).toContainText('healthy');

  // A wrong token is refused before anything is saved, with the reason.
  await page.getByRole('button', { name: 'Register cluster' }).click();
  await page.getByLabel('Name').fill('staging');
  await page.getByLabel('API server URL').fill(staging.url);
  await page.getByLabel('CA certificate (PEM)').fill(staging.caData);
  await page.getByLabel('Service-account token').fill('not-the-token');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Could not connect to cluster "staging"');
  await expect(page.getByRole('alert')).toContainText('401');
  await page.screenshot({ path: path.join(screenshots, 'clusters-register-refused.png') });

  await page.getByLabel('Service-account token').fill(staging.token);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(rowOf('staging')).toContainText('healthy');
  await page.screenshot({ path: path.join(screenshots, 'clusters.png') });

  // An application gets its namespace on every cluster, shown on its catalog page.
  const name = `shop-${Date.now().toString(36)}`;
  const created = await page.request.post(`${backendUrl}/api/app-platform/applications`, {
    headers: { Authorization: `Bearer ${await guestToken(page)}` },
    data: { name, owner: 'group:default/guests', description: 'The e2e shop', namespaceTemplate: 'web' },
  });
  expect(created.status()).toBe(201);

  await expect(async () => {
    await page.goto(`/catalog/default/system/${name}/app-platform`);
    await expect(page.getByText('Namespaces per cluster')).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  for (const cluster of ['test', 'production', 'staging']) {
    await expect(rowOf(cluster)).toContainText('ready');
  }
  await expect(page.getByText('Namespace template: web')).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'application-namespaces.png') });

  // Registered for real: the namespace exists on the new cluster.
  const kc = new KubeConfig();
  kc.loadFromString(staging.kubeconfig());
  const namespace = await kc.makeApiClient(CoreV1Api).readNamespace({ name });
  expect(namespace.metadata?.labels?.['app-platform.io/application']).toBe(name);
});
