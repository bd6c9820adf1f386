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
  const card = page.getByRole('listitem').filter({ hasText: 'Viewer (not an admin)' });
  const signIn = card.getByRole('button', { name: 'Sign In' });
  await expect(signIn).toBeVisible({ timeout: 120_000 });
  await signIn.click();
  await expectSignedIn(page);
}

async function expectSignedIn(page: Page): Promise<void> {
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * The Backstage token of a development user, from the same session as the browser
 * (the guest and viewer providers issue it to anyone who asks, in development only).
 */
export async function tokenOf(page: Page, provider: 'guest' | 'viewer'): Promise<string> {
  const res = await page.request.get(`${backendUrl}/api/auth/${provider}/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}
