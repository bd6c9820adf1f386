import { test, expect } from '@playwright/test';
import { screenshots, signInAsGuest, waitForBackend } from './portal';
import path from 'node:path';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('the portal opens and lists this project in the catalog', async ({ page }) => {
  await signInAsGuest(page);
  await expect(page).toHaveURL('http://localhost:3000/');
  // The home page's widgets load lazily; the toolkit is one of the defaults.
  await expect(page.getByText('Toolkit', { exact: true })).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'home.png') });

  await page.goto('/catalog');
  const entityLink = page.getByRole('link', { name: 'App Platform for Backstage' });
  // The catalog ingests catalog-info.yaml shortly after start: reload until it shows.
  await expect(async () => {
    await page.reload();
    await expect(entityLink).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await page.screenshot({ path: path.join(screenshots, 'catalog.png') });

  await entityLink.click();
  await expect(page.getByRole('heading', { name: 'App Platform for Backstage' }).first()).toBeVisible();
  await expect(page.getByText('A Backstage plugin suite that turns the portal')).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'entity.png') });
});

test('the App Platform page shows the backend healthy', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'App Platform' }).click();
  await expect(page).toHaveURL(/\/app-platform$/);
  await expect(page.getByText('Backend: ok')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'database' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'migrations' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'app-platform.png') });
});
