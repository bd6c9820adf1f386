import { objectJson, responseJson, watchEventJson } from './serialize';

describe('serialize', () => {
  it('produces the same JSON as JSON.stringify', () => {
    const list = {
      kind: 'List',
      metadata: { resourceVersion: '3' },
      items: [{ a: 1 }, { b: [2] }],
    };
    expect(JSON.parse(responseJson(list))).toEqual(list);
    expect(JSON.parse(responseJson({ items: [] }))).toEqual({ items: [] });
    expect(responseJson({ kind: 'Status' })).toBe('{"kind":"Status"}');
    expect(JSON.parse(watchEventJson('ADDED', { x: 'y' }))).toEqual({
      type: 'ADDED',
      object: { x: 'y' },
    });
  });

  it('caches per object identity', () => {
    const obj = { a: 1 };
    expect(objectJson(obj)).toBe('{"a":1}');
    // Stored objects are never mutated; the cache relies on that.
    obj.a = 2;
    expect(objectJson(obj)).toBe('{"a":1}');
    expect(objectJson({ a: 2 })).toBe('{"a":2}');
  });
});
