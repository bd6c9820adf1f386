/**
 * An in-process stand-in for a Kubernetes API server, for tests, local
 * development and benchmarks.
 *
 * @packageDocumentation
 */
export { startSandbox } from './startSandbox';
export type { Sandbox, SandboxOptions } from './startSandbox';
export type { SandboxToken } from './server/KubeSandboxServer';
export type {
  ClusterSettings,
  ControllerTimings,
} from './controller/Controller';
export { Faults } from './server/Faults';
export type { FaultSettings } from './server/Faults';
export type { ObjectStore, StoreEvent } from './server/ObjectStore';
export type { KubeApi } from './server/KubeApi';
export type { Controller } from './controller/Controller';
export type { KubeSandboxServer } from './server/KubeSandboxServer';
export {
  FAIL_ANNOTATION,
  MEMORY_USAGE_ANNOTATION,
  RUN_MS_ANNOTATION,
  START_DELAY_ANNOTATION,
} from './controller/podBehaviour';
