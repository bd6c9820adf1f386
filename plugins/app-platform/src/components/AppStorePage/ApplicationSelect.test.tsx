import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { ApplicationSelect } from './ApplicationSelect';

async function render(answer: Answer, onChange = jest.fn()) {
  const { client } = clientAnswering({ '/applications': answer });
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, client]]}>
      <ApplicationSelect onChange={onChange} />
    </TestApiProvider>,
  );
  return onChange;
}

describe('ApplicationSelect', () => {
  it('offers the applications by title, and says which was chosen', async () => {
    const onChange = await render(
      json({
        items: [
          { name: 'shop', namespaces: [] },
          { name: 'payments', title: 'Payments', namespaces: [] },
        ],
      }),
    );
    const select = await screen.findByRole('button', { name: /Application/ });
    await userEvent.click(select);
    expect(
      within(screen.getByRole('listbox'))
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['Payments (payments)', 'shop']);
    await userEvent.click(screen.getByRole('option', { name: 'shop' }));
    expect(onChange).toHaveBeenCalledWith('shop');
  });

  it('is disabled while the applications load', async () => {
    await render(() => new Promise(() => {}) as any);
    const select = await screen.findByRole('button', { name: /Application/ });
    expect(select).toHaveTextContent('Loading applications…');
    expect(select).toBeDisabled();
  });

  it('says when there is no application to install into', async () => {
    await render(json({ items: [] }));
    expect(
      await screen.findByText(/no application to install into yet/),
    ).toBeVisible();
  });

  it('shows why the applications could not be loaded, and loads them again on request', async () => {
    let fail = true;
    await render(request =>
      fail
        ? backendError(500, 'database is down')()
        : json({ items: [{ name: 'shop', namespaces: [] }] })(request),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'database is down',
    );
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('button', { name: /Application/ }),
    ).toBeEnabled();
  });
});
