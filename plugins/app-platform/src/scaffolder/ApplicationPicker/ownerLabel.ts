import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

/** An owner ref as people read it: `team-a` for `group:default/team-a`. */
export function ownerLabel(owner: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(owner), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    // Not a ref the catalog understands: show it as the backend has it.
    return owner;
  }
}
