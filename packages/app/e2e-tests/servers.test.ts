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

/** Rows of the server table (the imports card below has a table too). */
function inventoryRows(page: Page, hasText?: string) {
  return page.getByRole('region', { name: 'Server inventory' }).locator('tbody tr', { hasText });
}

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
  const rows = inventoryRows(page);
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

test('a server recorded by hand is alerted on the notifications page, then deleted', async ({
  page,
}) => {
  const name = `e2e-${Date.now().toString(36)}`;
  // Five days ahead: past the 7-day threshold, so the scan alerts it.
  const expires = new Date(Date.now() + 5 * 24 * 3600_000)
    .toISOString()
    .slice(0, 10);
  await signInAsGuest(page);
  await page.goto('/servers');

  await page.getByRole('button', { name: 'Record server' }).click();
  const dialog = page.getByRole('dialog');
  // The owner starts as the guest's group.
  await expect(dialog.getByLabel('Owner group')).toHaveValue(
    'group:default/guests',
  );
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Owner group').fill('nobody');
  await dialog.getByLabel('Expires on').fill(expires);
  await dialog.getByLabel('vCPU').fill('4');
  await dialog.getByLabel('Memory (GiB)').fill('16');
  await dialog.getByLabel('IP addresses').fill('10.1.2.3');
  // Bad input: the backend names the field and records nothing.
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'owner: unknown owner group:default/nobody',
  );
  await dialog.getByLabel('Owner group').fill('guests');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(dialog).toBeHidden();
  const row = inventoryRows(page, name);
  await expect(row).toContainText('4 vCPU · 16 GiB');
  await expect(row).toContainText('manual');

  // An admin runs the expiry scan now instead of waiting for the daily one.
  const imports = page.getByRole('region', {
    name: 'Imports and expiry alerts',
  });
  await imports.getByRole('button', { name: 'Run expiry scan' }).click();
  await expect(
    imports.getByRole('button', { name: 'Run expiry scan' }),
  ).toBeEnabled({ timeout: 60_000 });
  await expect(imports.getByTestId('server-expiry-scan')).toContainText(
    /\d+ alerts? sent/,
  );
  // And a provider's import: its last import time moves on.
  const examples = imports.locator('tr', { hasText: 'examples' });
  const lastImport = await examples.locator('td').nth(1).textContent();
  await examples.getByRole('button', { name: 'Import examples now' }).click();
  await expect(examples.locator('td').nth(1)).not.toHaveText(lastImport ?? '', {
    timeout: 60_000,
  });
  await expect(examples).toContainText('imported');
  await page.screenshot({
    path: path.join(screenshots, 'servers-imports.png'),
    fullPage: true,
  });

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: /Notifications/ })
    .click();
  await expect(page).toHaveURL(/\/notifications/);
  const alert = page.getByText(
    new RegExp(`^Server ${name} expires in \\d+ days \\(${expires}\\)$`),
  );
  await expect(async () => {
    await page.reload();
    await expect(alert).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await page.screenshot({
    path: path.join(screenshots, 'notifications.png'),
    fullPage: true,
  });

  // Renewed for a year: its owner changes the record, which keeps its tags.
  const renewed = new Date(Date.now() + 370 * 24 * 3600_000).toISOString().slice(0, 10);
  await page.goto('/servers');
  await page.getByRole('button', { name: `Change ${name}` }).click();
  const change = page.getByRole('dialog');
  await expect(change.getByLabel('vCPU')).toHaveValue('4');
  await change.getByLabel('Expires on').fill(renewed);
  await change.getByRole('button', { name: 'Save' }).click();
  await expect(change).toBeHidden();
  await expect(inventoryRows(page, name)).toContainText(renewed);

  // Clean up through the UI: deleting goes through the permission backend.
  await page.getByRole('button', { name: `Delete ${name}` }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(inventoryRows(page, name)).toHaveCount(0);
});
