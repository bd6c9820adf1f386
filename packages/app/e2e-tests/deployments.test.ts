import { test, expect, Page, Request } from '@playwright/test';
import path from 'node:path';
import {
  applicationWithService,
  screenshots,
  signInAsGuest,
  signInAsViewer,
  waitForBackend,
} from './portal';

const CLUSTERS = ['production', 'test'];

test.beforeAll(async ({ request }) => {
  await waitForBackend(request);
});

/**
 * Records every value of the clusters' `data-state` in the page, as the DOM
 * changes: a rollout's `deploying` can be short, and a DOM observer costs no
 * request (which this test counts).
 */
async function recordStates(page: Page) {
  await page.evaluate(() => {
    const w = window as any;
    w.__states = {} as Record<string, string[]>;
    const note = () => {
      for (const el of document.querySelectorAll('[data-testid^="state-"]')) {
        const cluster = el.getAttribute('data-testid')!.slice('state-'.length);
        const state = el.getAttribute('data-state')!;
        const seen: string[] = (w.__states[cluster] ??= []);
        if (seen[seen.length - 1] !== state) seen.push(state);
      }
    };
    note();
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });
}

async function statesSeen(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => (window as any).__states);
}

/** Opens a service's tab once the catalog has its Component. */
async function openTab(page: Page, tab: string) {
  await expect(async () => {
    await page.goto(tab);
    await expect(
      page.getByRole('button', { name: 'Deploy new version' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
}

/** The chip of a service on a cluster. */
const chip = (page: Page, cluster: string) =>
  page.getByTestId(`state-${cluster}`);

test('deploys, fails with the reason, rolls back and compares records from the Deployments tab', async ({
  page,
}) => {
  const application = `deploy-${Date.now().toString(36)}`;
  const tab = await applicationWithService(page.request, application);
  await signInAsGuest(page);
  await openTab(page, tab);
  for (const cluster of CLUSTERS) {
    await expect(chip(page, cluster)).toHaveAttribute('data-state', 'running', {
      timeout: 60_000,
    });
  }
  await page.screenshot({
    path: path.join(screenshots, 'deployments-tab.png'),
    fullPage: true,
  });

  // 1. A new image through the form and the plan dialog.
  await page.getByRole('button', { name: 'Deploy new version' }).click();
  const image = page.getByRole('textbox', { name: 'Image', exact: true });
  await expect(image).toHaveValue('shop/web:1');
  await image.fill('shop/web:2');
  await page
    .getByRole('textbox', { name: 'Why (shown in the history)' })
    .fill('new front page');
  await page.getByRole('button', { name: 'Review plan' }).click();
  await expect(page.getByLabel('Plan summary')).toContainText('to update');
  const plan = page.getByRole('region', { name: 'Plan for cluster test' });
  await expect(plan.getByRole('row', { name: /image/ })).toContainText(
    'shop/web:1',
  );
  await expect(plan.getByRole('row', { name: /image/ })).toContainText(
    'shop/web:2',
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-plan.png'),
  });

  await recordStates(page);
  const requests: Request[] = [];
  const deployed = page.waitForResponse(
    r =>
      r
        .url()
        .endsWith(`/applications/${application}/services/web/deployments`) &&
      r.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Confirm deploy' }).click();
  expect((await deployed).status()).toBe(202);
  page.on('request', r => requests.push(r));
  // Each chip goes from deploying to running (the old version was running before).
  await expect
    .poll(
      async () => {
        const seen = await statesSeen(page);
        return CLUSTERS.filter(cluster => {
          const states = seen[cluster] ?? [];
          const deploying = states.indexOf('deploying');
          return deploying >= 0 && states.lastIndexOf('running') > deploying;
        });
      },
      { timeout: 60_000 },
    )
    .toEqual(CLUSTERS);
  for (const cluster of CLUSTERS) {
    await expect(chip(page, cluster)).toHaveAttribute('data-state', 'running');
    await expect(chip(page, cluster)).toContainText('v2 · 2/2 ready');
  }
  // Pushed by signals: not one request from the page while the rollout ran.
  // (The deploy's own notification arrives by signal too, and Backstage's
  // notifications plugin then fetches it: a reaction to a push, not polling.)
  expect(
    requests
      .map(r => `${r.method()} ${r.url()}`)
      .filter(r => !r.includes('/api/notifications/')),
  ).toEqual([]);
  await expect(page.getByRole('row', { name: /^deploy v2\b/ })).toContainText(
    'succeeded',
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-deployed.png'),
    fullPage: true,
  });

  // 2. A bad image: the reason shows on every cluster.
  await page.getByRole('button', { name: 'Deploy new version' }).click();
  await page
    .getByRole('textbox', { name: 'Image', exact: true })
    .fill('registry.example/shop/web:3');
  await page.getByRole('button', { name: 'Review plan' }).click();
  await expect(page.getByLabel('Plan summary')).toContainText('to update');
  await page.getByRole('button', { name: 'Confirm deploy' }).click();
  for (const cluster of CLUSTERS) {
    await expect(chip(page, cluster)).toHaveAttribute('data-state', 'failed', {
      timeout: 60_000,
    });
    await expect(chip(page, cluster)).toContainText(
      /ErrImagePull|ImagePullBackOff/,
    );
  }
  await expect(page.getByRole('row', { name: /^deploy v3\b/ })).toContainText(
    'failed',
    { timeout: 30_000 },
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-failed.png'),
    fullPage: true,
  });
  // Long pull errors and all, the tab fits 1280 px without horizontal scrolling.
  expect(page.viewportSize()?.width).toBe(1280);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth),
  ).toBeLessThanOrEqual(1280);

  // 3. Roll back to v2 through the plan dialog.
  await page
    .getByRole('row', { name: /^deploy v2\b/ })
    .getByRole('button', { name: 'Rollback' })
    .click();
  await expect(page.getByLabel('Plan summary')).toContainText('to update');
  await expect(
    page
      .getByRole('region', { name: 'Plan for cluster production' })
      .getByRole('row', { name: /image/ }),
  ).toContainText('registry.example/shop/web:3');
  await page.screenshot({
    path: path.join(screenshots, 'deployments-rollback-plan.png'),
  });
  await page.getByRole('button', { name: 'Confirm rollback' }).click();
  for (const cluster of CLUSTERS) {
    await expect(chip(page, cluster)).toHaveAttribute('data-state', 'running', {
      timeout: 60_000,
    });
    await expect(chip(page, cluster)).toContainText('v2');
  }
  await expect(page.getByRole('row', { name: /rollback v2/ })).toContainText(
    'succeeded',
    { timeout: 30_000 },
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-rolled-back.png'),
    fullPage: true,
  });

  // 4. The diff of two records.
  await page
    .getByRole('checkbox', { name: /^Compare deploy v1 / })
    .check({ force: true });
  await page
    .getByRole('checkbox', { name: /^Compare deploy v3 / })
    .check({ force: true });
  await page.getByRole('button', { name: /Compare selected/ }).click();
  const diff = page.getByRole('dialog');
  await expect(diff.getByRole('row', { name: /image/ })).toContainText(
    'shop/web:1',
  );
  await expect(diff.getByRole('row', { name: /image/ })).toContainText(
    'registry.example/shop/web:3',
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-diff.png'),
  });
  await diff.getByRole('button', { name: 'Close' }).last().click();

  // A record's detail: per-cluster results and the timeline.
  await page
    .getByRole('row', { name: /^deploy v3\b/ })
    .getByRole('button', { name: 'Details' })
    .click();
  const detail = page.getByRole('dialog');
  await expect(detail.getByRole('region', { name: 'Clusters' })).toContainText(
    /ErrImagePull|ImagePullBackOff/,
  );
  await expect(detail.getByRole('region', { name: 'Timeline' })).toContainText(
    'Applied',
  );
  await page.screenshot({
    path: path.join(screenshots, 'deployments-record.png'),
  });
  await detail.getByRole('button', { name: 'Close' }).last().click();

  // The application page: the service on both clusters, live.
  await page.goto(`/catalog/default/system/${application}/app-platform`);
  const row = page.getByRole('row', { name: /^web/ });
  for (const cluster of CLUSTERS) {
    await expect(row.getByTestId(`state-${cluster}`)).toHaveAttribute(
      'data-state',
      'running',
    );
  }
  await expect(page.getByLabel('Application state')).toContainText('running');
  await page.screenshot({
    path: path.join(screenshots, 'application-services.png'),
    fullPage: true,
  });
});

test('a user without deploy permission sees the buttons disabled with the reason', async ({
  page,
}) => {
  const application = `locked-${Date.now().toString(36)}`;
  const tab = await applicationWithService(page.request, application);
  await signInAsViewer(page);
  await openTab(page, tab);
  await expect(page.getByRole('row', { name: /^deploy v1\b/ })).toBeVisible({
    timeout: 60_000,
  });
  for (const label of ['Deploy new version', 'Stop', 'Delete']) {
    await expect(page.getByRole('button', { name: label })).toBeDisabled();
    await expect(page.getByTestId(`why-not-${label}`)).toHaveAttribute(
      'title',
      new RegExp(
        `^Only members of group:default/guests may \\w+ ${application}/web$`,
      ),
    );
  }
  await expect(
    page
      .getByRole('row', { name: /^deploy v1\b/ })
      .getByRole('button', { name: 'Rollback' }),
  ).toBeDisabled();
  await page.getByTestId('why-not-Deploy new version').hover();
  await page.screenshot({
    path: path.join(screenshots, 'deployments-no-permission.png'),
    fullPage: true,
  });

  await page.goto(`/catalog/default/system/${application}/app-platform`);
  await expect(
    page.getByRole('button', { name: 'New service' }),
  ).toBeDisabled();
});
