import { HASH, sameJsonIgnoring, sameTemplateIgnoringHash } from './objects';

describe('sameTemplateIgnoringHash', () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
  };

  it('matches the template kubectl rollout undo writes back', () => {
    const fromReplicaSet = {
      spec: { containers: [{ image: 'nginx:1', name: 'app' }] },
      metadata: { labels: { [HASH]: 'abc', app: 'web' } },
    };
    const undone = {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: template.spec,
    };
    expect(sameTemplateIgnoringHash(fromReplicaSet, template)).toBe(true);
    expect(sameTemplateIgnoringHash(fromReplicaSet, undone)).toBe(true);
  });

  it('tells different templates apart', () => {
    expect(
      sameTemplateIgnoringHash(template, {
        ...template,
        spec: { containers: [{ name: 'app', image: 'nginx:2' }] },
      }),
    ).toBe(false);
    expect(
      sameTemplateIgnoringHash(template, {
        ...template,
        metadata: { labels: { app: 'api' } },
      }),
    ).toBe(false);
  });
});

describe('sameJsonIgnoring', () => {
  const ignored = new Set(['at']);

  it('is JSON equality without the ignored keys', () => {
    const a = { phase: 'Running', list: [{ ready: true, at: 1 }], at: 2 };
    const b = { list: [{ at: 9, ready: true }], phase: 'Running' };
    expect(sameJsonIgnoring(a, b, ignored)).toBe(true);
    expect(sameJsonIgnoring(a, { ...b, phase: 'Pending' }, ignored)).toBe(
      false,
    );
    expect(
      sameJsonIgnoring(a, { ...b, list: [{ ready: false }] }, ignored),
    ).toBe(false);
    expect(sameJsonIgnoring(a, { ...b, list: [] }, ignored)).toBe(false);
    expect(sameJsonIgnoring(a, { ...b, extra: 1 }, ignored)).toBe(false);
  });

  it('counts an undefined field as absent, as JSON does', () => {
    expect(sameJsonIgnoring({ a: 1, b: undefined }, { a: 1 }, ignored)).toBe(
      true,
    );
    expect(sameJsonIgnoring({ a: 1 }, { a: 1, b: null }, ignored)).toBe(false);
    expect(sameJsonIgnoring([1, 2], { 0: 1, 1: 2 }, ignored)).toBe(false);
  });
});
