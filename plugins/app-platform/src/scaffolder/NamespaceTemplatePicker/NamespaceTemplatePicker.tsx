import { useApi } from '@backstage/frontend-plugin-api';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { ChoiceRadios } from '../ChoiceRadios';
import { FieldNotice } from '../FieldNotice';
import { DEFAULT_NAMESPACE_TEMPLATE } from './defaultNamespaceTemplate';
import { NamespaceTemplatePickerProps } from './NamespaceTemplatePickerSchema';

const defaultDescription =
  "What the application's namespace gets on every cluster besides the namespace itself: quotas, gateway, log collection…";

/**
 * `ui:field: NamespaceTemplatePicker`: one of the platform's namespace
 * templates, the default one first and chosen until the user picks another;
 * the value is the template's name.
 */
export const NamespaceTemplatePicker = (
  props: NamespaceTemplatePickerProps,
) => {
  const {
    schema: { title = 'Namespace template', description = defaultDescription },
    uiSchema,
    required,
    disabled,
    readonly,
    rawErrors = [],
    errors,
    formData,
    onChange,
  } = props;
  const isDisabled = Boolean(disabled || readonly || uiSchema['ui:disabled']);
  const client = useApi(appPlatformApiRef);
  const templates = useAsyncRetry(async () => {
    const names = await client.listNamespaceTemplates();
    // The default first, then by name.
    const rank = (name: string) =>
      name === DEFAULT_NAMESPACE_TEMPLATE ? 0 : 1;
    return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }, [client]);

  // Say out loud what the backend would pick anyway.
  const hasDefault = templates.value?.includes(DEFAULT_NAMESPACE_TEMPLATE);
  useEffect(() => {
    if (!formData && hasDefault) onChange(DEFAULT_NAMESPACE_TEMPLATE);
  }, [formData, hasDefault, onChange]);

  let control;
  if (templates.error) {
    control = (
      <FieldNotice
        status="error"
        title={`${title}: the namespace templates could not be loaded`}
        description={describeError(templates.error)}
        onRetry={templates.retry}
      />
    );
  } else if (!templates.value) {
    control = (
      <FieldNotice
        status="loading"
        title={`${title}: loading the namespace templates…`}
      />
    );
  } else if (templates.value.length === 0) {
    control = (
      <FieldNotice
        status="info"
        title={`${title}: the platform offers no namespace template`}
        description="A platform admin adds them to the templates/namespaces folder."
      />
    );
  } else {
    control = (
      <ChoiceRadios
        label={title}
        required={required}
        disabled={isDisabled}
        invalid={rawErrors.length > 0}
        value={formData}
        onChange={onChange}
        choices={templates.value.map(name => ({
          value: name,
          label: name,
          description:
            name === DEFAULT_NAMESPACE_TEMPLATE
              ? 'The platform default: what an application gets when it names no template.'
              : undefined,
        }))}
      />
    );
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema['ui:description'] ?? description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      {control}
      {templates.value && formData && !templates.value.includes(formData) ? (
        <FieldNotice
          status="warning"
          title={`“${formData}” is not one of the platform's namespace templates`}
          description="Choose one of the list."
        />
      ) : null}
    </ScaffolderField>
  );
};
