import { test, expect } from '@playwright/test';
import path from 'node:path';
import {
  applicationWithService,
  backendUrl,
  sandboxApps,
  screenshots,
  signInAsGuest,
  tokenOf,
  waitForBackend,
} from './portal';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

test('installs Redis from the App Store into an application, binds a service to it, and the service gets its connection as env vars', async ({
  page,
}) => {
  const application = `mw-${Date.now().toString(36)}`;
  await applicationWithService(page.request, application);
  await signInAsGuest(page);

  // The App Store, filtered to the caches.
  await page.goto('/app-platform/app-store');
  const grid = page.getByRole('list', { name: 'Middleware definitions' });
  await expect(grid.getByRole('listitem')).toHaveCount(8, { timeout: 60_000 });
  await page
    .getByRole('button', { name: /Category/ })
    .or(page.getByRole('combobox', { name: /Category/ }))
    .first()
    .click();
  await page.getByRole('option', { name: 'Cache' }).click();
  await expect(grid.getByRole('listitem', { name: 'Redis' })).toBeVisible();
  await expect(grid.getByRole('listitem', { name: 'MySQL' })).toHaveCount(0);

  // Install: application, name, the plan, then the rollout.
  await grid.getByRole('button', { name: 'Details of Redis' }).click();
  const details = page.getByRole('dialog');
  await details
    .getByRole('button', { name: /Application/ })
    .or(details.getByRole('combobox', { name: /Application/ }))
    .first()
    .click();
  await page
    .getByRole('option', { name: new RegExp(application) })
    .first()
    .click();
  await details.getByRole('textbox', { name: 'Instance name' }).fill('cache');
  await details.getByRole('button', { name: 'Review install plan' }).click();
  const plan = page.getByRole('dialog', {
    name: new RegExp(`Plan: install Redis as cache into ${application}`),
  });
  await expect(plan).toContainText('StatefulSet', { timeout: 30_000 });
  await expect(plan).toContainText('Secret');
  await page.screenshot({
    path: path.join(screenshots, 'middleware-install-plan.png'),
    fullPage: true,
  });
  await plan.getByRole('button', { name: 'Install', exact: true }).click();
  const progress = page.getByRole('dialog', {
    name: new RegExp(`Installing cache into ${application}`),
  });
  await expect(progress.getByLabel('Install state')).toContainText(
    'Install succeeded',
    { timeout: 120_000 },
  );
  await page.screenshot({
    path: path.join(screenshots, 'middleware-installed.png'),
    fullPage: true,
  });
  await progress.getByRole('button', { name: 'Close' }).last().click();

  // The service's first version must have finished before a new one can go.
  const token = await tokenOf(page, 'guest');
  await expect
    .poll(
      async () =>
        (
          await (
            await page.request.get(
              `${backendUrl}/api/app-platform/applications/${application}/services/web/status`,
              { headers: { Authorization: `Bearer ${token}` } },
            )
          ).json()
        ).inFlight ?? 'settled',
      { timeout: 120_000 },
    )
    .toBe('settled');

  // Bind web to it from the application's Middleware card.
  await page.goto(`/catalog/default/system/${application}/app-platform`);
  await page
    .getByRole('button', { name: 'Bind service' })
    .first()
    .click({ timeout: 60_000 });
  const bind = page.getByRole('dialog', { name: /Bind a service to cache/ });
  await expect(bind).toContainText('CACHE_PASSWORD');
  await bind
    .getByRole('button', { name: /Service/ })
    .or(bind.getByRole('combobox', { name: /Service/ }))
    .first()
    .click();
  await page.getByRole('option', { name: /web/ }).click();
  await bind.getByRole('button', { name: 'Review plan' }).click();
  const bindPlan = page.getByRole('dialog', {
    name: new RegExp(`Plan: bind ${application}/web to cache`),
  });
  await expect(bindPlan).toContainText('CACHE_HOST', { timeout: 30_000 });
  await page.screenshot({
    path: path.join(screenshots, 'middleware-bind-plan.png'),
    fullPage: true,
  });
  await bindPlan.getByRole('button', { name: 'Confirm deploy' }).click();
  await expect(page.getByLabel('Bound by web').first()).toBeVisible({
    timeout: 60_000,
  });

  // The rendered Deployment on the cluster has the instance's connection.
  const { apps } = sandboxApps('test');
  await expect
    .poll(
      async () => {
        const web = await apps.readNamespacedDeployment({
          namespace: application,
          name: 'web',
        });
        return web.spec?.template.spec?.containers
          .find(c => c.name === 'app')
          ?.env?.filter(e => e.name.startsWith('CACHE_'));
      },
      { timeout: 120_000 },
    )
    .toEqual([
      { name: 'CACHE_HOST', value: `cache.${application}.svc` },
      { name: 'CACHE_PORT', value: '6379' },
      {
        name: 'CACHE_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'cache', key: 'password' } },
      },
    ]);
  await page.screenshot({
    path: path.join(screenshots, 'middleware-bound.png'),
    fullPage: true,
  });

  // The instance's own page: its install in the history, with rollback.
  await page.getByRole('link', { name: 'cache', exact: true }).first().click();
  await page.getByText('Rollouts', { exact: true }).click({ timeout: 60_000 });
  await expect(
    page.getByText(/redis · digest [0-9a-f]{12}/).first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    page.getByRole('button', { name: 'Deploy new version' }),
  ).toHaveCount(0);
  await page.screenshot({
    path: path.join(screenshots, 'middleware-rollouts.png'),
    fullPage: true,
  });
});
