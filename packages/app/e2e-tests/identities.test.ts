import { test, expect } from '@playwright/test';
import {
  backendUrl,
  screenshots,
  signInAsViewer,
  tokenOf,
  waitForBackend,
} from './portal';
import path from 'node:path';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('the viewer signs in next to the guest and is not a platform admin', async ({
  page,
}) => {
  await page.goto('/');
  // The sign-in page offers both development users.
  await expect(page.getByRole('button', { name: 'Enter' })).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.getByText('Viewer (not an admin)')).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'sign-in.png') });

  await signInAsViewer(page);

  // Admin-only: unregistering a cluster. The viewer is refused by the permission
  // policy; the guest (an admin) gets past it, to the refusal to remove a cluster
  // that comes from app-config. Nothing changes either way.
  const unregister = async (provider: 'guest' | 'viewer') =>
    page.request.delete(`${backendUrl}/api/app-platform/clusters/test`, {
      headers: { Authorization: `Bearer ${await tokenOf(page, provider)}` },
    });
  expect((await unregister('viewer')).status()).toBe(403);
  expect((await unregister('guest')).status()).toBe(409);

  // The token is the viewer's, and so is the identity the app shows.
  const identity = await page.request.get(
    `${backendUrl}/api/auth/v1/userinfo`,
    {
      headers: { Authorization: `Bearer ${await tokenOf(page, 'viewer')}` },
    },
  );
  expect(identity.ok()).toBe(true);
  expect((await identity.json()).claims.sub).toBe('user:default/viewer');

  await page.goto('/settings');
  await expect(page.getByText('user:default/viewer').first()).toBeVisible();
  // The Backstage Identity card: its ownership entities are the viewer and the
  // viewers group (links to their catalog pages), not the guests group.
  await expect(
    page.getByRole('link', { name: 'viewers', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'guests', exact: true }),
  ).toHaveCount(0);
  await page.screenshot({
    path: path.join(screenshots, 'settings-viewer.png'),
  });
});
