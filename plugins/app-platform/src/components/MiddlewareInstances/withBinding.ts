import { VersionSpec } from '@internal/plugin-app-platform-common';

/** The spec with a binding to the instance added, or as it is when it already binds it. */
export function withBinding(spec: VersionSpec, instance: string): VersionSpec {
  const bindings = spec.bindings ?? [];
  if (bindings.some(binding => binding.instance === instance)) return spec;
  return { ...spec, bindings: [...bindings, { instance }] };
}
