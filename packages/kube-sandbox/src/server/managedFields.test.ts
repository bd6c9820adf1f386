import {
  describePath,
  fieldsOf,
  fromFieldsV1,
  serverSideApply,
  toFieldsV1,
  trackUpdate,
} from './managedFields';
import { strategicMerge } from './patches';

describe('managedFields', () => {
  const obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', labels: { app: 'x' }, uid: 'u' },
    spec: {
      replicas: 2,
      template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } },
    },
    status: { replicas: 2 },
  };

  it('computes field sets keyed by merge keys and round-trips fieldsV1', () => {
    const fields = fieldsOf(obj);
    const paths = [...fields].map(describePath);
    expect(paths).toEqual(
      expect.arrayContaining([
        '.metadata.labels.app',
        '.spec.replicas',
        '.spec.template.spec.containers[name="app"]',
        '.spec.template.spec.containers[name="app"].image',
      ]),
    );
    expect(paths.some(p => p.startsWith('.status'))).toBe(false);
    const v1 = toFieldsV1(fields);
    expect(
      v1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'][
        '.'
      ],
    ).toEqual({});
    expect(fromFieldsV1(v1)).toEqual(fields);
  });

  it('attributes changed fields to the updating manager', () => {
    const created = {
      ...obj,
      metadata: {
        ...obj.metadata,
        managedFields: trackUpdate(undefined, obj, 'creator', 'apps/v1'),
      },
    };
    const next = { ...created, spec: { ...created.spec, replicas: 5 } };
    const entries = trackUpdate(created, next, 'scaler', 'apps/v1');
    const scaler = entries.find(e => e.manager === 'scaler')!;
    expect([...fromFieldsV1(scaler.fieldsV1)].map(describePath)).toEqual([
      '.spec.replicas',
    ]);
    const creator = entries.find(e => e.manager === 'creator')!;
    expect([...fromFieldsV1(creator.fieldsV1)].map(describePath)).not.toContain(
      '.spec.replicas',
    );
  });

  it('reports conflicts unless forced', () => {
    const merge = (live: any, applied: any) =>
      strategicMerge(structuredClone(live), applied);
    const live = {
      ...obj,
      metadata: {
        ...obj.metadata,
        managedFields: trackUpdate(undefined, obj, 'kubectl', 'apps/v1'),
      },
    };
    const applied = { ...obj, spec: { ...obj.spec, replicas: 7 } };
    expect(() =>
      serverSideApply({
        live,
        applied,
        manager: 'ssa',
        force: false,
        apiVersion: 'apps/v1',
        merge,
      }),
    ).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas',
    );
    const forced = serverSideApply({
      live,
      applied,
      manager: 'ssa',
      force: true,
      apiVersion: 'apps/v1',
      merge,
    });
    expect(forced.spec.replicas).toBe(7);
    expect(
      forced.metadata.managedFields.map(
        (m: any) => `${m.manager}/${m.operation}`,
      ),
    ).toEqual(['kubectl/Update', 'ssa/Apply']);
    // Same values are shared, not conflicting.
    expect(() =>
      serverSideApply({
        live,
        applied: obj,
        manager: 'ssa',
        force: false,
        apiVersion: 'apps/v1',
        merge,
      }),
    ).not.toThrow();
  });

  it('removes a list item the manager no longer applies, key and all', () => {
    const merge = (live: any, applied: any) =>
      strategicMerge(structuredClone(live), applied);
    const withVolume = (volume: boolean) => ({
      ...obj,
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'a:1',
                ...(volume
                  ? { volumeMounts: [{ name: 'config', mountPath: '/etc/x' }] }
                  : {}),
              },
            ],
            ...(volume
              ? { volumes: [{ name: 'config', configMap: { name: 'x' } }] }
              : {}),
          },
        },
      },
    });
    const apply = (live: any, applied: any, manager = 'ssa') =>
      serverSideApply({
        live,
        applied,
        manager,
        force: true,
        apiVersion: 'apps/v1',
        merge,
      });
    const first = apply(undefined, withVolume(true));
    const second = apply(first, withVolume(false));
    // As the API server: the items go, not just their fields (an item
    // without its key, as before, made the Deployment invalid).
    expect(second.spec.template.spec.volumes).toBeUndefined();
    expect(
      second.spec.template.spec.containers[0].volumeMounts,
    ).toBeUndefined();

    // An item another manager still has a field in stays, with its key.
    const shared = apply(
      first,
      {
        ...obj,
        spec: {
          template: {
            spec: {
              containers: [{ name: 'app' }],
              volumes: [{ name: 'config', configMap: { name: 'x' } }],
            },
          },
        },
      },
      'other',
    );
    const kept = apply(shared, withVolume(false));
    expect(kept.spec.template.spec.volumes).toEqual([
      { name: 'config', configMap: { name: 'x' } },
    ]);
  });
});
