import { test, expect, Page } from '@playwright/test';
import { screenshots, signInAsGuest, waitForBackend } from './portal';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// The portal imports examples/servers.yaml through the `file` server provider
// configured in app-config.yaml (appPlatform.servers.providers).
const sample: Array<{ id: string; name: string; expiresAt: string }> = parse(
  readFileSync(path.resolve(__dirname, '../../../examples/servers.yaml'), 'utf8'),
);

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('the Servers page lists the imported servers by days left, with counts and filters', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Servers' }).click();
  await expect(page).toHaveURL(/\/servers$/);

  // The import runs a few seconds after the backend starts: reload until it has.
  const soonest = [...sample].sort((a, b) => String(a.expiresAt).localeCompare(String(b.expiresAt)))[0];
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('cell', { name: soonest.name, exact: true })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });

  // The counts at the top (the sidebar link has the same label, hence the tag).
  await expect(page.locator('p[aria-label="Servers"]')).toHaveText(String(sample.length));
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(sample.length);
  // Sorted by days left: the soonest expiry comes first.
  await expect(rows.first()).toContainText(soonest.name);
  await page.screenshot({ path: path.join(screenshots, 'servers.png'), fullPage: true });

  // Filtering to removed servers leaves none.
  await page.getByTestId('select').nth(2).click();
  await page.getByRole('option', { name: 'removed' }).click();
  await expect(page.getByText('No records to display')).toBeVisible();
});

test('a server has a catalog page with its expiry card', async ({ page }) => {
  await signInAsGuest(page);
  const server = sample[0];
  // The catalog module reads servers from the backend on its own schedule.
  await expect(async () => {
    await page.goto(`/catalog/default/resource/examples-${server.id}`);
    await expect(page.getByText('Expiry', { exact: true })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 150_000 });
  await expect(page.getByTestId('server-days-left')).toBeVisible();
  await expect(page.getByText(String(server.expiresAt))).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'server-entity.png'), fullPage: true });

  await page.goto('/catalog/default/group/guests');
  await expect(page.getByText('Servers expiring soon')).toBeVisible();
});

test('the home page has the expiring servers card', async ({ page }) => {
  await signInAsGuest(page);
  await expect(page).toHaveURL('http://localhost:3000/');
  await expect(page.getByText('Servers expiring soon')).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'home-servers.png') });
});
