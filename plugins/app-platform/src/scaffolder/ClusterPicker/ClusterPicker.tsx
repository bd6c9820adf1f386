import { useApi } from '@backstage/frontend-plugin-api';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { ChoiceCheckbox } from '../ChoiceCheckbox';
import { ChoiceHeading } from '../ChoiceHeading';
import { ChoiceNote } from '../ChoiceNote';
import { ChoiceRadios } from '../ChoiceRadios';
import { FieldNotice } from '../FieldNotice';
import {
  clustersOf,
  ENVIRONMENTS,
  healthyNames,
  whyNotSelectable,
} from './clusterAvailability';
import { ClusterPickerProps } from './ClusterPickerSchema';

const defaultDescription =
  'Where it goes. Only healthy clusters can receive it; the others are shown with the reason.';

/** "every" sends to every healthy cluster; "chosen" to the ticked ones. */
type Mode = 'every' | 'chosen';

const capitalized = (word: string) => word[0].toUpperCase() + word.slice(1);

const sameNames = (a: string[], b: string[]) =>
  a.length === b.length && a.every(name => b.includes(name));

/**
 * `ui:field: ClusterPicker`: the environments with their clusters and each
 * cluster's health. The value is a list of cluster names, and an empty list
 * means every healthy cluster, as the deploy API reads it; the field says
 * which it is in words. Unhealthy clusters are shown but cannot be ticked.
 */
export const ClusterPicker = (props: ClusterPickerProps) => {
  const {
    schema: { title = 'Clusters', description = defaultDescription },
    uiSchema,
    required,
    disabled,
    readonly,
    rawErrors = [],
    errors,
    formData,
    onChange,
  } = props;
  const environment = uiSchema['ui:options']?.environment;
  const isDisabled = Boolean(disabled || readonly || uiSchema['ui:disabled']);
  const client = useApi(appPlatformApiRef);
  const clusters = useAsyncRetry(() => client.listClusters(), [client]);
  const value = useMemo(() => formData ?? [], [formData]);
  const [mode, setMode] = useState<Mode>(
    value.length === 0 ? 'every' : 'chosen',
  );

  const environments = environment ? [environment] : ENVIRONMENTS;
  const offered = clusters.value?.filter(cluster =>
    environments.includes(cluster.environment),
  );
  const healthy = offered ? healthyNames(offered) : undefined;

  // Within one environment an empty list would mean the healthy clusters of
  // every environment, so "every healthy cluster" is written out as names.
  const everyAsNames = environment && mode === 'every' ? healthy : undefined;
  useEffect(() => {
    if (everyAsNames && !sameNames(value, everyAsNames)) onChange(everyAsNames);
  }, [everyAsNames, value, onChange]);

  const body = () => {
    if (clusters.error) {
      return (
        <FieldNotice
          status="error"
          title={`${title}: the clusters could not be loaded`}
          description={describeError(clusters.error)}
          onRetry={clusters.retry}
        />
      );
    }
    if (!offered || !healthy) {
      return (
        <FieldNotice
          status="loading"
          title={`${title}: loading the clusters and their health…`}
        />
      );
    }
    if (offered.length === 0) {
      return (
        <FieldNotice
          status="info"
          title={`${title}: no ${
            environment ? `${environment} ` : ''
          }cluster is registered`}
          description="A platform admin registers clusters on the Clusters page."
        />
      );
    }

    const choose = (next: Mode) => {
      setMode(next);
      // Both start from what "every healthy cluster" means now, so that
      // switching alone changes nothing but the wording.
      onChange(next === 'every' && !environment ? [] : healthy);
    };
    const tick = (name: string, ticked: boolean) =>
      // Rebuilt from the offered clusters: names that are not offered go.
      onChange(
        offered
          .map(cluster => cluster.name)
          .filter(n => (n === name ? ticked : value.includes(n))),
      );
    const notOffered = value.filter(
      name => !offered.some(cluster => cluster.name === name),
    );
    const everyLabel = environment
      ? `Every healthy ${environment} cluster`
      : 'Every healthy cluster';

    return (
      <>
        <ChoiceRadios
          label={title}
          required={required}
          disabled={isDisabled}
          invalid={rawErrors.length > 0}
          value={mode}
          onChange={next => choose(next as Mode)}
          choices={[
            {
              value: 'every',
              label: everyLabel,
              description:
                healthy.length > 0
                  ? `Now: ${healthy.join(', ')}`
                  : 'None is healthy now',
            },
            { value: 'chosen', label: 'Only the clusters I tick below' },
          ]}
        />
        {environments.map(env => {
          const inEnvironment = clustersOf(offered, env);
          return (
            <section key={env} aria-label={`${capitalized(env)} clusters`}>
              <ChoiceHeading>{`${capitalized(env)} clusters`}</ChoiceHeading>
              {inEnvironment.length === 0 ? (
                <ChoiceNote>{`No ${env} cluster is registered.`}</ChoiceNote>
              ) : (
                inEnvironment.map(cluster => {
                  const why = whyNotSelectable(cluster);
                  const ticked =
                    mode === 'every' ? !why : value.includes(cluster.name);
                  return (
                    <ChoiceCheckbox
                      key={cluster.name}
                      label={`${cluster.name} (${cluster.health})`}
                      description={why}
                      checked={ticked}
                      // A stale tick on an unhealthy cluster can still be undone.
                      disabled={
                        isDisabled || mode === 'every' || (!!why && !ticked)
                      }
                      onChange={on => tick(cluster.name, on)}
                    />
                  );
                })
              )}
            </section>
          );
        })}
        {mode === 'chosen' && value.length === 0 ? (
          <FieldNotice
            status="warning"
            title="No cluster is ticked"
            description={
              environment
                ? `Tick at least one healthy ${environment} cluster.`
                : 'With none ticked it goes to every healthy cluster.'
            }
          />
        ) : null}
        {notOffered.length > 0 ? (
          <FieldNotice
            status="warning"
            title={`Not offered here: ${notOffered.join(', ')}`}
            description="They will be refused; any change of the ticks drops them."
          />
        ) : null}
      </>
    );
  };

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema['ui:description'] ?? description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      {body()}
    </ScaffolderField>
  );
};
