import { Cluster } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { backendError } from '../__testUtils__/backendError';
import { renderFieldInForm } from '../__testUtils__/renderFieldInForm';
import { clusterPickerField } from './clusterPickerField';

const cluster = (
  name: string,
  environment: Cluster['environment'],
  health: Cluster['health'],
  healthReason?: string,
): Cluster => ({
  name,
  environment,
  health,
  healthReason,
  labels: {},
  source: 'config',
  createdAt: '2026-11-20T00:00:00Z',
});

const clusters = [
  cluster('prod-b', 'production', 'unknown'),
  cluster(
    'test-b',
    'test',
    'unreachable',
    'connect ECONNREFUSED 10.0.0.2:6443',
  ),
  cluster('test-a', 'test', 'healthy'),
  cluster('prod-a', 'production', 'healthy'),
];

function render(
  options: {
    routes?: Record<string, Answer>;
    formData?: string[];
    environment?: string;
    theme?: 'mui' | 'bui';
  } = {},
) {
  const { client } = clientAnswering(
    options.routes ?? { '/clusters': json({ items: clusters }) },
  );
  return renderFieldInForm(clusterPickerField, {
    apis: [[appPlatformApiRef, client]],
    property: { type: 'array', items: { type: 'string' }, title: 'Clusters' },
    uiOptions: options.environment
      ? { environment: options.environment }
      : undefined,
    formData: options.formData,
    theme: options.theme,
  });
}

const box = (name: string) =>
  screen.getByRole('checkbox', { name: new RegExp(`^${name} `) });

describe('ClusterPicker', () => {
  it('says it is loading while the clusters are on their way', async () => {
    await render({
      routes: { '/clusters': () => new Promise(() => {}) as any },
    });
    expect(
      await screen.findByText(
        'Clusters: loading the clusters and their health…',
      ),
    ).toBeInTheDocument();
  });

  it('shows the clusters by environment with their health, and unhealthy ones only with the reason', async () => {
    const form = await render();
    const every = await screen.findByRole('radio', {
      name: /Every healthy cluster/,
    });
    expect(every).toBeChecked();
    expect(every.closest('label')).toHaveTextContent('Now: prod-a, test-a');

    const test = screen.getByRole('region', { name: 'Test clusters' });
    expect(
      within(test)
        .getAllByRole('checkbox')
        .map(c => c.closest('label')?.textContent),
    ).toEqual([
      'test-a (healthy)',
      'test-b (unreachable)Unreachable, so it cannot be chosen: connect ECONNREFUSED 10.0.0.2:6443',
    ]);
    const production = screen.getByRole('region', {
      name: 'Production clusters',
    });
    expect(within(production).getByText(/Not checked yet/)).toBeInTheDocument();
    // "Every healthy cluster" is the empty list.
    expect(form.value()).toEqual([]);
  });

  it('ticks healthy clusters only, and an empty choice is every healthy cluster again', async () => {
    const form = await render();
    await userEvent.click(
      await screen.findByRole('radio', { name: /Only the clusters I tick/ }),
    );
    expect(form.value()).toEqual(['prod-a', 'test-a']);
    expect(box('test-b')).toBeDisabled();
    expect(box('prod-b')).toBeDisabled();

    await userEvent.click(box('prod-a'));
    expect(form.value()).toEqual(['test-a']);

    await userEvent.click(box('test-a'));
    expect(form.value()).toEqual([]);
    expect(
      screen.getByText('With none ticked it goes to every healthy cluster.'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('radio', { name: /Every healthy/ }));
    expect(form.value()).toEqual([]);
    expect(box('test-a')).toBeChecked();
    expect(box('test-a')).toBeDisabled();
  });

  it('lets a stale tick on an unhealthy cluster be undone', async () => {
    const form = await render({ formData: ['test-a', 'test-b'] });
    await waitFor(() => expect(box('test-b')).toBeChecked());
    expect(box('test-b')).toBeEnabled();
    await userEvent.click(box('test-b'));
    expect(form.value()).toEqual(['test-a']);
    expect(box('test-b')).toBeDisabled();
  });

  it('offers one environment when asked, and writes its healthy clusters out', async () => {
    const form = await render({ environment: 'production' });
    expect(
      await screen.findByRole('radio', {
        name: /Every healthy production cluster/,
      }),
    ).toBeChecked();
    expect(screen.queryByRole('region', { name: 'Test clusters' })).toBeNull();
    // An empty list would mean the test clusters too.
    await waitFor(() => expect(form.value()).toEqual(['prod-a']));
  });

  it('says when no cluster is registered', async () => {
    await render({ routes: { '/clusters': json({ items: [] }) } });
    expect(
      await screen.findByText('Clusters: no cluster is registered'),
    ).toBeInTheDocument();
  });

  it('shows why the clusters failed to load and loads them again on request', async () => {
    let fail = true;
    await render({
      routes: {
        '/clusters': () =>
          fail
            ? backendError(503, 'database is locked')()
            : json({ items: clusters })(),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('the clusters could not be loaded');
    expect(alert).toHaveTextContent('database is locked');
    fail = false;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await screen.findByRole('radio', { name: /Every healthy cluster/ }),
    ).toBeInTheDocument();
  });

  it('works the same in a Backstage UI form', async () => {
    const form = await render({ theme: 'bui' });
    await userEvent.click(
      await screen.findByRole('radio', { name: /Only the clusters I tick/ }),
    );
    expect(form.value()).toEqual(['prod-a', 'test-a']);
    expect(box('test-b')).toBeDisabled();
    await userEvent.click(box('prod-a'));
    expect(form.value()).toEqual(['test-a']);
  });
});

describe('ClusterPicker validation', () => {
  it('accepts healthy clusters, and the empty list as every healthy cluster', async () => {
    const form = await render();
    await screen.findByRole('radio', { name: /Every healthy cluster/ });
    expect(await form.validate(['test-a', 'prod-a'])).toEqual([]);
    expect(await form.validate([])).toEqual([]);
  });

  it('says which clusters it refuses and which it would take', async () => {
    const form = await render();
    await screen.findByRole('radio', { name: /Every healthy cluster/ });
    expect(await form.validate(['ghost', 'test-b', 'prod-b'])).toEqual([
      '“ghost” is not a registered cluster; choose among the healthy clusters: prod-a, test-a.',
      '“test-b” is unreachable and cannot receive anything; choose among the healthy clusters: prod-a, test-a.',
      '“prod-b” is not checked yet and cannot receive anything; choose among the healthy clusters: prod-a, test-a.',
    ]);
    expect(await form.validate('test-a')).toEqual([
      'Clusters must be a list of cluster names, or empty for every healthy cluster.',
    ]);
  });

  it('keeps to the environment it was given', async () => {
    const form = await render({ environment: 'production' });
    await waitFor(() => expect(form.value()).toEqual(['prod-a']));
    expect(await form.validate(['prod-a'])).toEqual([]);
    expect(await form.validate(['test-a'])).toEqual([
      '“test-a” is a test cluster and only production clusters are allowed here; choose among the healthy production clusters: prod-a.',
    ]);
    expect(await form.validate([])).toEqual([
      'Choose at least one production cluster; choose among the healthy production clusters: prod-a.',
    ]);
  });

  it('says when the clusters could not be checked', async () => {
    let fail = false;
    const form = await render({
      routes: {
        '/clusters': () =>
          fail
            ? backendError(503, 'database is locked')()
            : json({ items: clusters })(),
      },
    });
    await screen.findByRole('radio', { name: /Every healthy cluster/ });
    fail = true;
    expect(await form.validate(['test-a'])).toEqual([
      'The clusters could not be checked: database is locked',
    ]);
  });
});
