import { ControllerContext } from './ControllerContext';
import { isPodReady, ownerRef, sameJson } from './objects';
import { Reconciler } from './Reconciler';
import { labelSelectorFromObject } from '../server/selectors';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SLICE_MANAGER = 'endpointslice-controller.k8s.io';

/** A service port's target on a pod: a number, or a named container port. */
function targetPort(pod: any, port: any): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of pod.spec?.containers ?? []) {
    const named = (c.ports ?? []).find((p: any) => p.name === target);
    if (named) return named.containerPort;
  }
  return Number.isFinite(Number(target)) ? Number(target) : undefined;
}

/**
 * The endpoints and endpointslice controllers: for every Service with a
 * selector, an Endpoints object (ready pods in `addresses`, others in
 * `notReadyAddresses`) and one discovery.k8s.io/v1 EndpointSlice, both
 * following pod readiness.
 */
export class EndpointsController implements Reconciler {
  readonly name = 'endpoints';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new EndpointsController(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    const { ctx } = this;
    let changed = false;
    for (const svc of ctx.store.list(ctx.t.services)) {
      changed = safely(svc, () => this.reconcile(svc)) || changed;
    }
    // Endpoints of deleted services go (slices go with their owner).
    for (const ep of ctx.store.list(ctx.t.endpoints)) {
      const ns = ep.metadata.namespace;
      if (
        ep.metadata.labels?.[MANAGED_BY] === 'endpoint-controller' &&
        !ctx.store.get(ctx.t.services, ns, ep.metadata.name)
      ) {
        ctx.store.delete(ctx.t.endpoints, ns, ep.metadata.name);
        changed = true;
      }
    }
    return changed;
  }

  reconcile(svc: any): boolean {
    const { ctx } = this;
    const ns = svc.metadata.namespace;
    if (!svc.spec?.selector || ctx.terminating(ns)) return false;
    const matches = labelSelectorFromObject({
      matchLabels: svc.spec.selector,
    });
    const pods = ctx.store
      .list(ctx.t.pods, ns)
      .filter(
        p =>
          matches(p) &&
          p.status?.podIP &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
    const address = (p: any) => ({
      ip: p.status.podIP,
      nodeName: p.spec?.nodeName,
      targetRef: {
        kind: 'Pod',
        namespace: ns,
        name: p.metadata.name,
        uid: p.metadata.uid,
      },
    });
    const ready = pods.filter(
      p => isPodReady(p) && !p.metadata.deletionTimestamp,
    );
    const notReady = pods.filter(p => !ready.includes(p));
    const ports = (svc.spec.ports ?? []).map((port: any) => ({
      ...(port.name ? { name: port.name } : {}),
      port: pods.length > 0 ? targetPort(pods[0], port) : port.port,
      protocol: port.protocol ?? 'TCP',
    }));
    let changed = false;

    const subsets =
      pods.length === 0
        ? undefined
        : [
            {
              ...(ready.length > 0 ? { addresses: ready.map(address) } : {}),
              ...(notReady.length > 0
                ? { notReadyAddresses: notReady.map(address) }
                : {}),
              ports,
            },
          ];
    const existing = ctx.store.get(ctx.t.endpoints, ns, svc.metadata.name);
    const labels = {
      ...svc.metadata.labels,
      'endpoints.kubernetes.io/managed-by': 'endpoint-controller',
      [MANAGED_BY]: 'endpoint-controller',
    };
    if (!existing) {
      ctx.store.create(ctx.t.endpoints, {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: ns, labels },
        ...(subsets ? { subsets } : {}),
      });
      changed = true;
    } else if (!sameJson(existing.subsets, subsets)) {
      const next = { ...existing };
      if (subsets) next.subsets = subsets;
      else delete next.subsets;
      ctx.write(ctx.t.endpoints, next);
      changed = true;
    }

    const endpoints = pods.map(p => ({
      addresses: [p.status.podIP],
      conditions: {
        ready: ready.includes(p),
        serving: isPodReady(p),
        terminating: Boolean(p.metadata.deletionTimestamp),
      },
      nodeName: p.spec?.nodeName,
      targetRef: address(p).targetRef,
    }));
    const slice = ctx.store
      .list(ctx.t.endpointslices, ns)
      .find(
        s =>
          s.metadata.labels?.[SERVICE_NAME] === svc.metadata.name &&
          s.metadata.labels?.[MANAGED_BY] === SLICE_MANAGER,
      );
    if (!slice) {
      ctx.store.create(ctx.t.endpointslices, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${svc.metadata.name}-${svc.metadata.uid.slice(0, 5)}`,
          namespace: ns,
          labels: {
            [SERVICE_NAME]: svc.metadata.name,
            [MANAGED_BY]: SLICE_MANAGER,
          },
          ownerReferences: [ownerRef(svc)],
        },
        addressType: 'IPv4',
        endpoints,
        ports,
      });
      changed = true;
    } else if (
      !sameJson(slice.endpoints, endpoints) ||
      !sameJson(slice.ports, ports)
    ) {
      ctx.write(ctx.t.endpointslices, { ...slice, endpoints, ports });
      changed = true;
    }
    return changed;
  }
}
