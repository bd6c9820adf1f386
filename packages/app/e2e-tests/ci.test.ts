import { test, expect, Page } from '@playwright/test';
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import {
  applicationWithService,
  backendUrl,
  screenshots,
  signInAsGuest,
  waitForBackend,
} from './portal';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

/**
 * Sends a build to the generic webhook as a CI script would (the backend
 * README's `curl`): signed with the HMAC of `<timestamp>.<body>` keyed with
 * the SHA-256 of the webhook secret.
 */
async function sendBuild(
  page: Page,
  secret: string,
  build: Record<string, string>,
) {
  const body = JSON.stringify(build);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = createHash('sha256').update(secret).digest();
  const signature = createHmac('sha256', key)
    .update(`${timestamp}.${body}`)
    .digest('hex');
  return page.request.post(`${backendUrl}/api/app-platform/ci/generic`, {
    headers: {
      'Content-Type': 'application/json',
      'X-App-Platform-Timestamp': timestamp,
      'X-App-Platform-Signature': `sha256=${signature}`,
    },
    data: body,
  });
}

/** The version shown for a cluster in the Environments card. */
const versionOn = (page: Page, cluster: string) =>
  page.getByLabel(`Version on ${cluster}`, { exact: true });

test('a CI build becomes a version on test, is promoted to production through the plan, and a failed build notifies the owners', async ({
  page,
}) => {
  const application = `ci-${Date.now().toString(36)}`;
  const tab = await applicationWithService(page.request, application);
  await signInAsGuest(page);
  await expect(async () => {
    await page.goto(tab);
    await expect(page.getByRole('heading', { name: 'CI builds' })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });
  for (const cluster of ['test', 'production']) {
    await expect(versionOn(page, cluster)).toHaveText('v1', {
      timeout: 60_000,
    });
  }

  // The owners set the policy and create the secret, shown this once.
  await page
    .getByRole('radio', {
      name: 'Make it a version and deploy it to the test clusters',
    })
    .check({ force: true });
  await page.getByRole('button', { name: 'Save CI settings' }).click();
  await expect(
    page.getByRole('button', { name: 'Save CI settings' }),
  ).toBeDisabled();
  await page.getByRole('button', { name: 'Create webhook secret' }).click();
  const secret = (
    await page.getByLabel('Webhook secret', { exact: true }).textContent()
  )?.trim();
  expect(secret).toBeTruthy();
  await page.screenshot({
    path: path.join(screenshots, 'ci-settings.png'),
    fullPage: true,
  });

  // 1. A build: a new version, deployed to the test cluster only.
  const sent = await sendBuild(page, secret!, {
    application,
    service: 'web',
    image: 'shop/web:2',
    build: 'build-2',
    commit: '4f2a9c1',
    url: 'https://ci.example/builds/2',
  });
  expect(sent.status()).toBe(201);
  await expect(versionOn(page, 'test')).toHaveText('v2', { timeout: 60_000 });
  await expect(page.getByTestId('state-test')).toHaveAttribute(
    'data-state',
    'running',
    { timeout: 60_000 },
  );
  await expect(versionOn(page, 'production')).toHaveText('v1');
  await expect(
    page.getByRole('row', { name: /^generic build-2\b/ }),
  ).toContainText('v2 deployed to test');
  await expect(page.getByRole('row', { name: /^deploy v2\b/ })).toContainText(
    'succeeded',
    { timeout: 30_000 },
  );
  await page.screenshot({
    path: path.join(screenshots, 'ci-build-on-test.png'),
    fullPage: true,
  });

  // 2. Promotion to production, through the plan.
  await page.getByRole('button', { name: 'Promote v2 to production' }).click();
  await expect(page.getByLabel('Plan summary')).toContainText('to update');
  const plan = page.getByRole('region', {
    name: 'Plan for cluster production',
  });
  await expect(plan.getByRole('row', { name: /image/ })).toContainText(
    'shop/web:1',
  );
  await expect(plan.getByRole('row', { name: /image/ })).toContainText(
    'shop/web:2',
  );
  await expect(
    page.getByRole('region', { name: 'Plan for cluster test' }),
  ).toHaveCount(0);
  await page.screenshot({
    path: path.join(screenshots, 'ci-promote-plan.png'),
  });
  await page.getByRole('button', { name: 'Confirm promotion' }).click();
  await expect(versionOn(page, 'production')).toHaveText('v2', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('state-production')).toHaveAttribute(
    'data-state',
    'running',
    { timeout: 60_000 },
  );
  const promoted = page
    .getByRole('row')
    .filter({ hasText: 'promoted from deploy v2 on test' });
  await expect(promoted).toContainText('succeeded', { timeout: 30_000 });
  await page.screenshot({
    path: path.join(screenshots, 'ci-promoted.png'),
    fullPage: true,
  });

  // A retried webhook makes nothing new.
  const again = await sendBuild(page, secret!, {
    application,
    service: 'web',
    image: 'shop/web:2',
    build: 'build-2',
  });
  expect(again.status()).toBe(200);

  // 3. The guest mutes this service's successes in Settings → Notifications
  // (its topics are listed once one of them has reached the user), then rolls
  // back: the success notifies nobody.
  await page.goto('/settings/notifications');
  // The origin's topics are folded under it.
  await page
    .getByRole('row')
    .filter({ hasText: 'App Platform' })
    .getByRole('button')
    .first()
    .click();
  const successes = page
    .getByRole('row')
    .filter({ hasText: `Deploy succeeded: ${application}/web` });
  await expect(successes).toBeVisible({ timeout: 30_000 });
  await successes.getByRole('switch').first().click({ force: true });
  await expect(successes.getByRole('switch').first()).not.toBeChecked();
  await page.screenshot({
    path: path.join(screenshots, 'ci-mute-successes.png'),
    fullPage: true,
  });
  await page.goto(tab);
  await page
    .getByRole('row', { name: /^deploy v1\b/ })
    .getByRole('button', { name: 'Rollback' })
    .click();
  await expect(page.getByLabel('Plan summary')).toContainText('to update');
  await page.getByRole('button', { name: 'Confirm rollback' }).click();
  await expect(page.getByRole('row', { name: /rollback v1/ })).toContainText(
    'succeeded',
    { timeout: 60_000 },
  );

  // 4. A build whose image cannot be pulled: the deploy fails on test, and
  // the owner group (the guest is a member) is told.
  expect(
    (
      await sendBuild(page, secret!, {
        application,
        service: 'web',
        image: 'registry.example/shop/web:3',
        build: 'build-3',
      })
    ).status(),
  ).toBe(201);
  await expect(page.getByRole('row', { name: /^deploy v3\b/ })).toContainText(
    'failed',
    { timeout: 90_000 },
  );
  await expect(versionOn(page, 'production')).toHaveText('v1');

  await page.goto('/notifications');
  const notification = page
    .getByRole('row')
    .filter({ hasText: `Deploy v3 of ${application}/web failed` });
  await expect(notification).toBeVisible({ timeout: 30_000 });
  await expect(notification).toContainText(/ErrImagePull|ImagePullBackOff/);
  // The pull error is long: the rest of the description is one click away.
  await notification.getByText('Show more').click();
  await expect(notification).toContainText('Started by ci:generic');
  // The promotion's success came before the mute; the rollback's did not.
  await expect(
    page.getByRole('row').filter({
      hasText: `Deploy v2 of ${application}/web succeeded on production`,
    }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('row')
      .filter({ hasText: `Rollback v1 of ${application}/web` }),
  ).toHaveCount(0);
  await page.screenshot({
    path: path.join(screenshots, 'ci-failure-notification.png'),
    fullPage: true,
  });
});
