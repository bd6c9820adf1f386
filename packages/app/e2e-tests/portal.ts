import { expect, Page, APIRequestContext } from '@playwright/test';
import path from 'node:path';

/** Where the browser tests save their screenshots. */
export const screenshots = path.resolve(__dirname, '../../../test-results/screenshots');

/** The backend of the portal under test. */
export const backendUrl = 'http://localhost:7007';

/** Waits until the backend answers its health check (it starts alongside the app). */
export async function waitForBackend(request: APIRequestContext): Promise<void> {
  await expect
    .poll(
      async () =>
        (await request.get(`${backendUrl}/api/app-platform/health`).catch(() => undefined))?.status(),
      { timeout: 180_000, intervals: [1_000] },
    )
    .toBe(200);
}

/** Opens the portal and signs in as the guest user. */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible({ timeout: 120_000 });
  await enter.click();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
