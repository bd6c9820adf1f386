import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { CiSettings } from '@internal/plugin-app-platform-common';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  Answer,
  clientAnswering,
  json,
  TestSignals,
} from '../../testing/backendAnswering';
import { CiSettingsCard } from './CiSettingsCard';

const CI = '/applications/shop/services/web/ci';

const withBuilds: CiSettings = {
  policy: 'deploy-test',
  imageRepository: 'registry.internal/shop/web',
  secretCreatedAt: '2026-11-24T09:00:00Z',
  builds: [
    {
      id: 'b2',
      provider: 'gitlab',
      buildId: 'pipeline-31',
      image: 'registry.internal/shop/web:v3.0.0',
      commit: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      outcome: 'recorded',
      version: 4,
      receivedAt: '2026-11-24T10:00:00Z',
    },
    {
      id: 'b1',
      provider: 'generic',
      buildId: 'build-42',
      image: 'shop/web:2',
      url: 'https://ci.internal/shop/web/42',
      outcome: 'deployed',
      version: 2,
      deploymentId: 'd1',
      receivedAt: '2026-11-24T09:30:00Z',
    },
  ],
};

async function render(
  routes: Record<string, Answer>,
  options: {
    allow?: boolean;
    application?: string;
    signals?: TestSignals;
  } = {},
) {
  const { client, requests } = clientAnswering(routes);
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [appPlatformApiRef, client],
        [signalApiRef, options.signals ?? new TestSignals()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allow === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <CiSettingsCard
        application={options.application ?? 'shop'}
        service="web"
      />
    </TestApiProvider>,
  );
  return requests;
}

describe('CiSettingsCard', () => {
  it('shows the policy, the webhook URLs and the builds with what each did', async () => {
    await render({ [CI]: json(withBuilds) });
    const gitlab = await screen.findByRole('row', {
      name: /gitlab pipeline-31/,
    });
    expect(gitlab).toHaveTextContent('registry.internal/shop/web:v3.0.0');
    expect(gitlab).toHaveTextContent('v4 recorded');
    expect(gitlab).toHaveTextContent('commit bcbb5ec396a2');
    expect(
      screen.getByRole('row', { name: /generic build-42/ }),
    ).toHaveTextContent('v2 deployed to test');
    expect(
      screen.getByRole('radio', { name: /deploy it to the test clusters/ }),
    ).toBeChecked();
    expect(
      screen.getByRole('textbox', { name: 'Image repository' }),
    ).toHaveValue('registry.internal/shop/web');
    expect(
      screen.getByText('http://backend/api/app-platform/ci/generic'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'http://backend/api/app-platform/ci/gitlab?application=shop&service=web',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Rotate webhook secret' }),
    ).toBeEnabled();
  });

  it('saves the policy and shows a new secret once', async () => {
    let saved: unknown;
    const requests = await render({
      [CI]: json({ policy: 'record', builds: [] }),
      [`PUT ${CI}`]: ({ body }) => {
        saved = body;
        return json({ ...body, builds: [] })();
      },
      [`POST ${CI}/secret`]: json(
        { secret: 'whsec_shown_once', createdAt: '2026-11-24T11:00:00Z' },
        201,
      ),
    });
    expect(
      await screen.findByText('No builds received yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No webhook secret yet: builds are refused/),
    ).toBeInTheDocument();
    const save = screen.getByRole('button', { name: 'Save CI settings' });
    expect(save).toBeDisabled();
    await userEvent.click(
      screen.getByRole('radio', { name: /deploy it to the test clusters/ }),
    );
    await userEvent.click(save);
    expect(saved).toEqual({ policy: 'deploy-test', imageRepository: '' });
    await userEvent.click(
      screen.getByRole('button', { name: 'Create webhook secret' }),
    );
    expect(await screen.findByLabelText('Webhook secret')).toHaveTextContent(
      'whsec_shown_once',
    );
    expect(requests).toContain(`POST ${CI}/secret`);
  });

  it('reloads when a CI build starts a record, not on every status message', async () => {
    const signals = new TestSignals();
    const requests = await render({ [CI]: json(withBuilds) }, { signals });
    await screen.findByRole('row', { name: /generic build-42/ });
    const reads = () => requests.filter(r => r === `GET ${CI}`).length;
    expect(reads()).toBe(1);
    const status = (latest: { id: string; createdBy: string }) => ({
      application: 'shop',
      service: 'web',
      state: 'deploying',
      clusters: [],
      latestDeployment: latest,
    });
    await act(async () => {
      // A rollout's messages about a record already listed, and a user's deploy.
      signals.publish(
        'app-platform:service-status',
        status({ id: 'd1', createdBy: 'ci:generic' }),
      );
      signals.publish(
        'app-platform:service-status',
        status({ id: 'd7', createdBy: 'user:default/alice' }),
      );
    });
    expect(reads()).toBe(1);
    await act(async () => {
      signals.publish(
        'app-platform:service-status',
        status({ id: 'd8', createdBy: 'ci:gitlab' }),
      );
    });
    expect(reads()).toBe(2);
  });

  it('disables the changes for users who may not make them, with the reason', async () => {
    await render(
      { '/applications/other/services/web/ci': json(withBuilds) },
      { allow: false, application: 'other' },
    );
    const rotate = await screen.findByRole('button', {
      name: 'Rotate webhook secret',
    });
    expect(rotate).toBeDisabled();
    expect(screen.getByTestId('why-not-Rotate webhook secret')).toHaveAttribute(
      'title',
      'Only the owners of the application change its CI settings',
    );
  });

  it('shows the error when the settings cannot be read', async () => {
    await render({
      [CI]: json(
        {
          error: { name: 'NotAllowedError', message: 'Not allowed here' },
          request: { method: 'GET', url: CI },
          response: { statusCode: 403 },
        },
        403,
      ),
    });
    expect(await screen.findByText(/Not allowed here/)).toBeInTheDocument();
  });
});
