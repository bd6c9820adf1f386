import { test, expect } from '@playwright/test';
import path from 'node:path';
import {
  applicationWithService,
  screenshots,
  signInAsGuest,
  waitForBackend,
} from './portal';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test("a platform service's page: Deployments, the stock Kubernetes tab with its pods, and the application's catalog graph", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const application = `pods-${Date.now().toString(36)}`;
  const deployments = await applicationWithService(page.request, application);
  await signInAsGuest(page);

  // Deployments: the platform's own tab, once the catalog has the Component.
  await expect(async () => {
    await page.goto(deployments);
    await expect(
      page.getByRole('button', { name: 'Deploy new version' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  for (const cluster of ['production', 'test']) {
    await expect(page.getByTestId(`state-${cluster}`)).toHaveAttribute(
      'data-state',
      'running',
      { timeout: 60_000 },
    );
  }
  await page.screenshot({
    path: path.join(screenshots, 'service-deployments.png'),
    fullPage: true,
  });

  // The stock Kubernetes tab: both sandbox clusters, supplied by the
  // platform, with the service's pods read through its read proxy.
  await page.getByRole('link', { name: 'Kubernetes', exact: true }).click();
  await expect(page).toHaveURL(/\/kubernetes$/);
  // Other tests may register more clusters: look at these two only.
  const clusterCard = (name: string) =>
    page
      .locator('div')
      .filter({
        has: page.getByRole('button', { name: new RegExp(`^${name} Cluster`) }),
      })
      .filter({ hasText: 'pods' })
      .last();
  for (const cluster of ['production', 'test']) {
    await expect(clusterCard(cluster)).toContainText('2 pods', {
      timeout: 30_000,
    });
    await expect(clusterCard(cluster)).toContainText('No pods with errors');
  }
  const production = page.getByRole('button', {
    name: /^production Cluster/,
  });
  // Opened, a cluster shows the service's Deployment and its pods.
  await production.click();
  const deployment = page
    .getByRole('button', { name: /^web Deployment/ })
    .first();
  await expect(deployment).toBeVisible();
  await expect(
    page.getByRole('button', { name: /^web Service/ }).first(),
  ).toBeVisible();
  await deployment.click();
  await expect(page.getByText(/^web-[a-z0-9]+-[a-z0-9]+$/)).toHaveCount(2);
  await page.screenshot({
    path: path.join(screenshots, 'service-kubernetes.png'),
    fullPage: true,
  });

  // The application's catalog graph: the System, its service and owner.
  await page.goto(`/catalog/default/system/${application}`);
  const graph = page.locator('svg').filter({ hasText: `${application}/web` });
  await expect(graph.first()).toBeVisible({ timeout: 30_000 });
  await expect(graph.first()).toContainText('guests');
  await expect(graph.first()).toContainText('ownerOf');
  await expect(graph.first()).toContainText('hasPart');
  // Two levels deep: the service also depends on the clusters it runs on.
  await page.goto(
    `/catalog-graph?rootEntityRefs%5B%5D=system%3Adefault%2F${application}&maxDepth=2&unidirectional=false`,
  );
  const full = page.locator('svg').filter({ hasText: `${application}/web` });
  for (const cluster of ['production', 'test']) {
    await expect(full.first().getByText(cluster, { exact: true })).toBeVisible({
      timeout: 30_000,
    });
  }
  await expect(full.first()).toContainText('dependsOn');
  await page.screenshot({
    path: path.join(screenshots, 'application-graph.png'),
    fullPage: true,
  });
});
