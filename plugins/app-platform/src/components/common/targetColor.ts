import { DeploymentTarget } from '@internal/plugin-app-platform-common';

/** The text colour of a record's result on one cluster. */
export function targetColor(
  state: DeploymentTarget['state'],
): 'danger' | 'success' | 'primary' {
  if (state === 'failed') return 'danger';
  if (state === 'succeeded') return 'success';
  return 'primary';
}
