import { kindKey, kindsToList, WORKLOAD_KINDS } from './workloadKinds';

describe('kindsToList', () => {
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
  };

  it('lists every workload kind when what was placed is not known', () => {
    expect(kindsToList(undefined, [])).toEqual(WORKLOAD_KINDS);
  });

  it('lists what was placed and what is rendered, in creation order', () => {
    expect(
      kindsToList(
        ['apps/v1/Deployment', 'v1/Service'],
        [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      ),
    ).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
    ]);
    expect(kindsToList([], [])).toEqual([]);
  });

  it('lists other kinds a template rendered after the workload kinds', () => {
    expect(kindsToList([kindKey(hpa)], [])).toEqual([hpa]);
    expect(kindsToList(undefined, [hpa])).toEqual([...WORKLOAD_KINDS, hpa]);
  });
});
