import { withBinding } from './withBinding';

const spec = { image: 'shop/web:1', replicas: 1, ports: [] };

describe('withBinding', () => {
  it('adds the binding after those the spec has, keeping the rest of the spec', () => {
    expect(withBinding(spec, 'cache')).toEqual({
      ...spec,
      bindings: [{ instance: 'cache' }],
    });
    expect(
      withBinding({ ...spec, bindings: [{ instance: 'cache' }] }, 'orders-db'),
    ).toEqual({
      ...spec,
      bindings: [{ instance: 'cache' }, { instance: 'orders-db' }],
    });
  });

  it('binds an instance once', () => {
    const bound = { ...spec, bindings: [{ instance: 'cache' }] };
    expect(withBinding(bound, 'cache')).toBe(bound);
  });
});
