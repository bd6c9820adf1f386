import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { clientAnswering, json } from '../../testing/backendAnswering';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { AppStorePage } from './AppStorePage';
import { definitionList, redis } from './middlewareFixtures';

const render = (client: AppPlatformClient) =>
  renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, client]]}>
      <AppStorePage />
    </TestApiProvider>,
  );

const grid = () =>
  screen.findByRole('list', { name: 'Middleware definitions' });
const shownTitles = async () =>
  within(await grid())
    .getAllByRole('listitem')
    .map(card => card.getAttribute('aria-label'));

describe('AppStorePage', () => {
  it('shows a card per definition: icon, title, category, versions with the default, description', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': json(definitionList),
    });
    await render(client);
    expect(await shownTitles()).toEqual(['PostgreSQL', 'RabbitMQ', 'Redis']);
    const card = within(await grid()).getByRole('listitem', { name: 'Redis' });
    expect(
      within(card).getByRole('img', { name: 'Redis icon' }),
    ).toHaveAttribute('src', redis.icon);
    expect(within(card).getByRole('heading', { name: 'Redis' })).toBeVisible();
    expect(card).toHaveTextContent('Cache');
    expect(within(card).getByLabelText('Versions')).toHaveTextContent(
      'Versions: 8.0, 7.4 (default), 7.2',
    );
    expect(within(card).getByText('7.4 (default)').tagName).toBe('STRONG');
    expect(card).toHaveTextContent('In-memory key-value store');
    expect(screen.getByText('3 definitions')).toBeInTheDocument();
  });

  it('searches title, name and description', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': json(definitionList),
    });
    await render(client);
    await grid();
    const search = screen.getByRole('searchbox', { name: 'Search' });
    await userEvent.type(search, 'postgres');
    expect(await shownTitles()).toEqual(['PostgreSQL']);
    expect(screen.getByText('1 of 3 definitions')).toBeInTheDocument();
    await userEvent.clear(search);
    await userEvent.type(search, 'broker');
    expect(await shownTitles()).toEqual(['RabbitMQ']);
    await userEvent.clear(search);
    await userEvent.type(search, 'oracle');
    expect(
      screen.queryByRole('list', { name: 'Middleware definitions' }),
    ).toBeNull();
    expect(screen.getByText('No definition matches “oracle”.')).toBeVisible();
  });

  it('filters by category, offering only the categories present', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': json(definitionList),
    });
    await render(client);
    await grid();
    await userEvent.click(screen.getByRole('button', { name: /Category/ }));
    const offered = within(screen.getByRole('listbox'))
      .getAllByRole('option')
      .map(option => option.textContent);
    expect(offered).toEqual(['All categories', 'Database', 'Cache', 'Queue']);
    await userEvent.click(screen.getByRole('option', { name: 'Queue' }));
    expect(await shownTitles()).toEqual(['RabbitMQ']);
    await userEvent.click(screen.getByRole('button', { name: /Category/ }));
    await userEvent.click(
      screen.getByRole('option', { name: 'All categories' }),
    );
    expect(await shownTitles()).toEqual(['PostgreSQL', 'RabbitMQ', 'Redis']);
  });

  it('warns about the definitions that could not be read, with the reason, and shows the rest', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': json({
        items: [redis],
        problems: [
          {
            name: 'kafka',
            message:
              'middleware definition "kafka": definition.yaml: category "stream" is not one of database, cache, queue, coordination, gateway',
          },
        ],
      }),
    });
    await render(client);
    expect(await shownTitles()).toEqual(['Redis']);
    expect(screen.getByText('1 definition could not be read')).toBeVisible();
    const unread = screen.getByRole('list', {
      name: 'Definitions that could not be read',
    });
    expect(unread).toHaveTextContent(
      'kafka: middleware definition "kafka": definition.yaml: category "stream" is not one of',
    );
  });

  it('shows progress while the definitions load', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': () => new Promise(() => {}) as any,
    });
    await render(client);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('says when there are no definitions at all', async () => {
    const { client } = clientAnswering({
      '/middleware/definitions': json({ items: [], problems: [] }),
    });
    await render(client);
    expect(
      await screen.findByText(/No middleware definitions yet/),
    ).toBeVisible();
    expect(screen.queryByRole('searchbox')).toBeNull();
  });

  it('shows why the list failed and loads it again on request', async () => {
    let fail = true;
    const { client } = clientAnswering({
      '/middleware/definitions': request =>
        fail
          ? backendError(403, 'not allowed: app-platform.middleware.read')()
          : json(definitionList)(request),
    });
    await render(client);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The middleware definitions could not be loaded',
    );
    expect(alert).toHaveTextContent(
      'not allowed: app-platform.middleware.read',
    );
    fail = false;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(await shownTitles()).toEqual(['PostgreSQL', 'RabbitMQ', 'Redis']);
  });

  it('opens a definition in the detail dialog, asking only for the applications to install into', async () => {
    const { client, requests } = clientAnswering({
      '/middleware/definitions': json(definitionList),
      '/applications': json({ items: [] }),
    });
    await render(client);
    await grid();
    await userEvent.click(
      screen.getByRole('button', { name: 'Details of Redis' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('region', { name: 'Parameters' }),
    ).toHaveTextContent('Eviction policy');
    await waitFor(() =>
      expect(requests).toEqual([
        'GET /middleware/definitions',
        'GET /applications',
      ]),
    );
    // The header's × and the footer's button both close it.
    const [, footerClose] = within(dialog).getAllByRole('button', {
      name: 'Close',
    });
    await userEvent.click(footerClose);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('makes no request while it is open and idle', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const { client, requests } = clientAnswering({
        '/middleware/definitions': json(definitionList),
      });
      await render(client);
      await grid();
      expect(requests).toEqual(['GET /middleware/definitions']);
      await act(async () => {
        jest.advanceTimersByTime(10 * 60 * 1000);
      });
      expect(requests).toEqual(['GET /middleware/definitions']);
    } finally {
      jest.useRealTimers();
    }
  });
});
