import { applyJsonPatch, applyMergePatch, strategicMerge } from './patches';

describe('patches', () => {
  it('merge patch replaces lists and deletes nulls', () => {
    expect(
      applyMergePatch(
        { a: 1, b: { c: 2, d: 3 }, l: [1, 2] },
        {
          b: { c: null, e: 4 },
          l: [3],
        },
      ),
    ).toEqual({ a: 1, b: { d: 3, e: 4 }, l: [3] });
  });

  it('strategic merge merges containers, env and ports by key', () => {
    const target = {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'a:1',
            env: [{ name: 'A', value: '1' }],
            ports: [{ containerPort: 80 }],
          },
          { name: 'sidecar', image: 's:1' },
        ],
        volumes: [{ name: 'v1', emptyDir: {} }],
      },
    };
    const result = strategicMerge(target, {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'a:2',
            env: [{ name: 'B', value: '2' }],
            ports: [{ containerPort: 81 }],
          },
          { name: 'sidecar', $patch: 'delete' },
        ],
        volumes: [{ name: 'v2', emptyDir: {} }],
        $setElementOrder: {},
      },
    });
    expect(result.spec.containers).toEqual([
      {
        name: 'app',
        image: 'a:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80 }, { containerPort: 81 }],
      },
    ]);
    expect(result.spec.volumes.map((v: any) => v.name)).toEqual(['v1', 'v2']);
    expect(result.spec.$setElementOrder).toBeUndefined();
  });

  it('strategic merge replaces atomic lists', () => {
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({
      args: ['c'],
    });
  });

  it('json patch applies and reports failed tests', () => {
    expect(
      applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: 2 }]),
    ).toEqual({ a: 2 });
    expect(() =>
      applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
    ).toThrow('rejected');
  });
});
