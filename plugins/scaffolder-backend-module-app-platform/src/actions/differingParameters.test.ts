import { differingParameters } from './differingParameters';

describe('differingParameters', () => {
  const instance = {
    version: '7.4',
    size: 'small',
    password: '<redacted>',
    persistence: { enabled: true, size: '1Gi' },
    routes: [{ path: '/api', service: 'web', port: 8080 }],
  };

  it('finds nothing when what is given matches, whatever the defaults and key order', () => {
    expect(
      differingParameters(
        {
          size: 'small',
          password: 'another-password',
          persistence: { size: '1Gi' },
          routes: [{ port: 8080, service: 'web', path: '/api' }],
          unset: undefined,
        },
        instance,
      ),
    ).toEqual([]);
  });

  it('names each differing parameter by its path', () => {
    expect(
      differingParameters(
        {
          version: '8.0',
          persistence: { enabled: false, size: '1Gi' },
          routes: [],
          replicas: 2,
        },
        instance,
      ),
    ).toEqual(['version', 'persistence.enabled', 'routes', 'replicas']);
  });
});
