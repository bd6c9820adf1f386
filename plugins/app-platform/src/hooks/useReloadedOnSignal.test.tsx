import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { TestSignals } from '../testing/backendAnswering';
import { useReloadedOnSignal } from './useReloadedOnSignal';

/** A load whose answers the test gives one by one. */
function controlledLoad() {
  const answers: Array<(value: number) => void> = [];
  const load = jest.fn(
    () => new Promise<number>(resolve => answers.push(resolve)),
  );
  return {
    load,
    answer: (value: number) => answers[answers.length - 1](value),
  };
}

function renderReloaded(load: () => Promise<number>) {
  const signals = new TestSignals();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[signalApiRef, signals]]}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    () =>
      useReloadedOnSignal<number, { about: string }>({
        load,
        deps: [],
        channel: 'test',
        concerns: message => message.about === 'me',
      }),
    { wrapper },
  );
  return {
    ...hook,
    publish: (about: string) => signals.publish('test', { about }),
  };
}

describe('useReloadedOnSignal', () => {
  it('loads again on a signal that concerns it, and not on others', async () => {
    const { load, answer } = controlledLoad();
    const { result, publish } = renderReloaded(load);
    act(() => answer(1));
    await waitFor(() => expect(result.current.value).toBe(1));

    act(() => publish('someone else'));
    expect(load).toHaveBeenCalledTimes(1);
    act(() => publish('me'));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    // The last value stays while reloading.
    expect(result.current.value).toBe(1);
    act(() => answer(2));
    await waitFor(() => expect(result.current.value).toBe(2));
  });

  it('loads once more after the load under way when a signal arrives meanwhile', async () => {
    const { load, answer } = controlledLoad();
    const { result, publish } = renderReloaded(load);
    act(() => publish('me'));
    act(() => publish('me'));
    expect(load).toHaveBeenCalledTimes(1);
    // The first answer may predate the change: it shows, and a load follows.
    act(() => answer(1));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    act(() => answer(2));
    await waitFor(() => expect(result.current.value).toBe(2));
    expect(load).toHaveBeenCalledTimes(2);
  });
});
