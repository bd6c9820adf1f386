import { test, expect, Page } from '@playwright/test';
import path from 'node:path';
import {
  sandboxApps,
  screenshots,
  signInAsGuest,
  waitForBackend,
} from './portal';

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

/** Opens a template that the Create page lists. */
async function openTemplate(page: Page, title: string, name: string) {
  await page.goto('/create');
  await expect(page.getByText(title, { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await page.goto(`/create/templates/default/${name}`);
}

/**
 * Waits for a scaffolder task to finish: its output links appear only when
 * every step succeeded.
 */
async function expectTaskCompleted(page: Page, link: string, shot: string) {
  await expect(page.getByRole('link', { name: link })).toBeVisible({
    timeout: 150_000,
  });
  await page.screenshot({ path: path.join(screenshots, shot), fullPage: true });
}

test('the wizard creates an application, then a service that deploys to both clusters', async ({
  page,
}) => {
  // Two scaffolder tasks, each waiting for the clusters.
  test.setTimeout(420_000);
  const application = `wiz-${Date.now().toString(36)}`;
  await signInAsGuest(page);

  // The Create page offers the platform's templates, not Backstage's example.
  await page.goto('/create');
  for (const title of [
    'Create an application',
    'Create a service',
    'Deploy a version',
  ]) {
    await expect(page.getByText(title, { exact: true })).toBeVisible({
      timeout: 60_000,
    });
  }
  await expect(page.getByText('Example Node.js Template')).toHaveCount(0);
  await page.screenshot({
    path: path.join(screenshots, 'wizard-create-page.png'),
    fullPage: true,
  });

  // 1. The application.
  await openTemplate(
    page,
    'Create an application',
    'app-platform-create-application',
  );
  const name = page.getByRole('textbox', { name: 'Name' });
  await name.fill('Not_A_Name');
  await page.getByRole('textbox', { name: 'Title' }).fill('Wizard shop');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.fill('guests');
  await page
    .getByRole('option', { name: /guests/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();
  // The form says what a name may be before anything is submitted.
  await expect(page.locator('#root_name__error')).toContainText(
    "Lower-case letters, digits and '-'",
  );
  await name.fill(application);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(application).first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'wizard-application-review.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Create' }).click();
  await expectTaskCompleted(
    page,
    'Open the application',
    'wizard-application-task.png',
  );
  await expect(page.getByText(/namespace .* ready/).first()).toBeVisible();

  // 2. A service of it, deployed at once.
  await openTemplate(page, 'Create a service', 'app-platform-create-service');
  const picker = page
    .getByRole('button', { name: /Application/ })
    .or(page.getByRole('combobox', { name: /Application/ }));
  await picker.first().click();
  await page.getByRole('option', { name: new RegExp(application) }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('web');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('textbox', { name: 'Image' }).fill('shop/web:1');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('checkbox', { name: /Log collector sidecar/ }).check();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText('shop/web:1').first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'wizard-service-review.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Create' }).click();
  await expectTaskCompleted(page, 'Deployments', 'wizard-service-task.png');
  await expect(page.getByText(/runs version 1/).first()).toBeVisible();

  // The objects on both sandbox clusters, carrying the platform's labels.
  for (const cluster of ['test', 'production']) {
    const { apps, core } = sandboxApps(cluster);
    const namespace = await core.readNamespace({ name: application });
    expect(namespace.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe(
      'app-platform',
    );
    const deployment = await apps.readNamespacedDeployment({
      namespace: application,
      name: 'web',
    });
    expect(
      deployment.spec?.template.spec?.containers.map(c => c.name).sort(),
    ).toEqual(['app', 'log-collector']);
    expect(deployment.status?.readyReplicas).toBe(1);
  }

  // The new entities in the catalog: the application's System, the service's Component.
  await expect(async () => {
    await page.goto(`/catalog/default/system/${application}`);
    await expect(
      page.getByRole('heading', { name: /Wizard shop|wiz-/ }).first(),
    ).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await expect(async () => {
    await page.goto(`/catalog/${application}/component/web/deployments`);
    await expect(page.getByTestId('state-production')).toHaveAttribute(
      'data-state',
      'running',
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 60_000 });
  await page.screenshot({
    path: path.join(screenshots, 'wizard-service-deployed.png'),
    fullPage: true,
  });
});
