import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { Cluster } from '@internal/plugin-app-platform-common';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { healthyNames } from './clusterAvailability';

type ClusterPickerOptions = { environment?: 'test' | 'production' };

/**
 * Checks a ClusterPicker value against the clusters as they are now: every
 * name is a registered, healthy cluster of the allowed environment. Health
 * changes while a form is open, so the form asks again before it moves on.
 */
export const validateClusters: CustomFieldValidator<
  string[],
  ClusterPickerOptions
> = async (value, validation, { apiHolder, uiSchema }) => {
  const environment = uiSchema?.['ui:options']?.environment;
  const kind = environment ? `${environment} ` : '';
  if (!Array.isArray(value) || value.some(name => typeof name !== 'string')) {
    validation.addError(
      `Clusters must be a list of ${kind}cluster names, or empty for every healthy cluster.`,
    );
    return;
  }
  const client = apiHolder.get(appPlatformApiRef);
  if (!client) {
    throw new Error(
      'The App Platform API is missing from the app; the clusters cannot be checked.',
    );
  }
  let clusters: Cluster[];
  try {
    clusters = await client.listClusters();
  } catch (error) {
    validation.addError(
      `The clusters could not be checked: ${describeError(error)}`,
    );
    return;
  }
  const allowed = clusters.filter(
    cluster => !environment || cluster.environment === environment,
  );
  const healthy = healthyNames(allowed);
  const choose = healthy.length
    ? `choose among the healthy ${kind}clusters: ${healthy.join(', ')}`
    : `no ${kind}cluster is healthy now`;

  if (value.length === 0 && environment) {
    // An empty list means every environment's clusters to the backend.
    validation.addError(
      `Choose at least one ${environment} cluster; ${choose}.`,
    );
    return;
  }
  for (const name of value) {
    const cluster = clusters.find(c => c.name === name);
    if (!cluster) {
      validation.addError(`“${name}” is not a registered cluster; ${choose}.`);
    } else if (environment && cluster.environment !== environment) {
      validation.addError(
        `“${name}” is a ${cluster.environment} cluster and only ${environment} clusters are allowed here; ${choose}.`,
      );
    } else if (cluster.health !== 'healthy') {
      validation.addError(
        `“${name}” is ${
          cluster.health === 'unreachable' ? 'unreachable' : 'not checked yet'
        } and cannot receive anything; ${choose}.`,
      );
    }
  }
};
