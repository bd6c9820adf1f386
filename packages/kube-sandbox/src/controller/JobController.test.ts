import { BatchV1Api, V1Job } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, eventually } from '../__testUtils__/clients';
import { FAIL_ANNOTATION, RUN_MS_ANNOTATION } from './podBehaviour';

jest.setTimeout(20000);

describe('JobController', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let batch: BatchV1Api;
  const namespace = 'default';

  beforeAll(async () => {
    sandbox = await startSandbox({ controller: { speed: 100 } });
    c = clientsFor(sandbox);
    batch = c.kc.makeApiClient(BatchV1Api);
  });

  afterAll(() => sandbox.stop());

  const job = (name: string, spec: any, annotations: any = {}): V1Job => ({
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: {
          annotations: { [RUN_MS_ANNOTATION]: '2000', ...annotations },
        },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'task', image: 'busybox:1' }],
        },
      },
    },
  });
  const finished = (name: string) =>
    eventually(async () => {
      const j = await batch.readNamespacedJob({ name, namespace });
      return (
        j.status?.conditions?.some(
          k =>
            (k.type === 'Complete' || k.type === 'Failed') &&
            k.status === 'True',
        ) && j
      );
    });
  const podsOf = async (name: string) =>
    (
      await c.core.listNamespacedPod({
        namespace,
        labelSelector: `job-name=${name}`,
      })
    ).items;

  it('runs pods to completion', async () => {
    await batch.createNamespacedJob({
      namespace,
      body: job('migrate', { completions: 2, parallelism: 1 }),
    });
    const j = await finished('migrate');
    expect(j.status).toMatchObject({ succeeded: 2, ready: 0 });
    expect(j.status?.failed).toBeUndefined();
    expect(j.status?.completionTime).toBeDefined();
    expect(j.status?.conditions?.map(k => [k.type, k.reason])).toEqual([
      ['SuccessCriteriaMet', 'CompletionsReached'],
      ['Complete', 'CompletionsReached'],
    ]);
    const pods = await podsOf('migrate');
    expect(pods.map(p => p.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(
      pods[0].status?.containerStatuses?.[0].state?.terminated,
    ).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('fails once more pods failed than the backoff limit allows', async () => {
    await batch.createNamespacedJob({
      namespace,
      body: job('broken', { backoffLimit: 1 }, { [FAIL_ANNOTATION]: 'exit' }),
    });
    const j = await finished('broken');
    expect(j.status?.failed).toBe(2);
    expect(j.status?.succeeded).toBeUndefined();
    expect(j.status?.conditions?.find(k => k.type === 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    const pods = await podsOf('broken');
    expect(pods.map(p => p.status?.phase)).toEqual(['Failed', 'Failed']);
    expect(
      pods[0].status?.containerStatuses?.[0].state?.terminated,
    ).toMatchObject({ exitCode: 1, reason: 'Error' });
    const events = (await c.core.listNamespacedEvent({ namespace })).items;
    expect(
      events.find(
        e =>
          e.involvedObject.name === 'broken' &&
          e.reason === 'BackoffLimitExceeded',
      )?.type,
    ).toBe('Warning');
  });
});
