import { test, expect } from '@playwright/test';
import path from 'node:path';
import { screenshots, signInAsGuest, waitForBackend } from './portal';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('the App Store lists the shipped middleware, filters it and previews what a Redis install would create', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/app-platform/app-store');
  const grid = page.getByRole('list', { name: 'Middleware definitions' });
  for (const title of ['Redis', 'MySQL', 'PostgreSQL', 'RabbitMQ']) {
    await expect(grid.getByRole('listitem', { name: title })).toBeVisible({
      timeout: 60_000,
    });
  }
  await expect(grid.getByRole('listitem')).toHaveCount(8);
  await page.screenshot({
    path: path.join(screenshots, 'app-store.png'),
    fullPage: true,
  });

  await page
    .getByRole('searchbox', { name: 'Search' })
    .or(page.getByRole('textbox', { name: 'Search' }))
    .first()
    .fill('redis');
  await expect(grid.getByRole('listitem')).toHaveCount(1);

  await grid.getByRole('button', { name: 'Details of Redis' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('persistence');
  await dialog.getByRole('textbox', { name: 'Instance name' }).fill('cache');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog).toContainText('StatefulSet');
  await expect(dialog).toContainText('CACHE_HOST');
  await expect(dialog).toContainText('CACHE_PASSWORD');
  // Secret values never reach the page.
  await expect(dialog).toContainText('<redacted>');
  await page.screenshot({
    path: path.join(screenshots, 'app-store-preview.png'),
    fullPage: true,
  });
});
