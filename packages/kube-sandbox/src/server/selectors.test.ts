import { parseFieldSelector, parseLabelSelector } from './selectors';

const obj = (labels: Record<string, string>) => ({
  metadata: { name: 'a', namespace: 'ns', labels },
});

describe('parseLabelSelector', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'api' }, false],
    ['app!=web', { app: 'api' }, true],
    ['app!=web', {}, true],
    ['app in (web, api)', { app: 'api' }, true],
    ['app in (web,api),tier', { app: 'api' }, false],
    ['app notin (web)', {}, true],
    ['app notin (web)', { app: 'web' }, false],
    ['!canary', { canary: 'x' }, false],
    ['!canary,app', { app: 'x' }, true],
    ['', {}, true],
  ])('%s matches %j -> %s', (sel, labels, expected) => {
    expect(parseLabelSelector(sel)(obj(labels))).toBe(expected);
  });

  it('rejects garbage', () => {
    expect(() => parseLabelSelector('a b c')).toThrow('unable to parse');
  });
});

describe('parseFieldSelector', () => {
  it('matches name and namespace', () => {
    expect(parseFieldSelector('metadata.name=a')(obj({}))).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=ns')(obj({}))).toBe(false);
    expect(() => parseFieldSelector('spec.foo=1')).toThrow('not supported');
  });
});
