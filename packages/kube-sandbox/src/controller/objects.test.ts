import { HASH, sameTemplateIgnoringHash } from './objects';

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
