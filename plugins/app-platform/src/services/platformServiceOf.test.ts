import { platformServiceOf } from './platformServiceOf';

const component = (
  annotations: Record<string, string>,
  kind = 'Component',
) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('platformServiceOf', () => {
  it('reads the catalog module annotations and the link of an existing Component', () => {
    expect(
      platformServiceOf(
        component({
          'app-platform.io/application': 'shop',
          'app-platform.io/service': 'web',
        }),
      ),
    ).toEqual({ application: 'shop', service: 'web' });
    expect(
      platformServiceOf(
        component({ 'app-platform.io/service-ref': 'shop/web' }),
      ),
    ).toEqual({
      application: 'shop',
      service: 'web',
    });
  });

  it('is undefined for anything else', () => {
    expect(platformServiceOf(component({}))).toBeUndefined();
    expect(
      platformServiceOf(
        component({ 'app-platform.io/service-ref': 'no slash' }),
      ),
    ).toBeUndefined();
    expect(
      platformServiceOf(
        component({ 'app-platform.io/application': 'shop' }, 'System'),
      ),
    ).toBeUndefined();
  });
});
