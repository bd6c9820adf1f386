import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ApiHolder, useApiHolder } from '@backstage/frontend-plugin-api';
import {
  createAsyncValidators,
  extractSchemaFromStep,
  Form,
  FormField,
  FormFieldExtensionData,
  ScaffolderTheme,
} from '@backstage/plugin-scaffolder-react/alpha';
import { JsonObject, JsonValue } from '@backstage/types';
import validator from '@rjsf/validator-ajv8';
import { ComponentProps, useState } from 'react';

type Apis = ComponentProps<typeof TestApiProvider>['apis'];

/**
 * Renders a form field the way the scaffolder does: in the scaffolder's own
 * RJSF `Form`, as one property of a template step, and validates it with the
 * scaffolder's own `createAsyncValidators`, as its stepper does before moving on.
 */
export async function renderFieldInForm(
  formField: FormField,
  options: {
    apis: Apis;
    /** The property's JSON schema, besides `ui:field`. */
    property?: JsonObject;
    uiOptions?: JsonObject;
    formData?: JsonValue;
    required?: boolean;
    theme?: ScaffolderTheme;
  },
) {
  // createFormField keeps what it was given; the scaffolder reads it the same way.
  const field = formField as unknown as FormFieldExtensionData;
  const step: JsonObject = {
    type: 'object',
    required: options.required ? ['value'] : [],
    properties: {
      value: {
        ...options.property,
        'ui:field': field.name,
        ...(options.uiOptions ? { 'ui:options': options.uiOptions } : {}),
      },
    },
  };
  const { schema, uiSchema } = extractSchemaFromStep(step);
  const state: { value?: JsonValue; apiHolder?: ApiHolder } = {
    value: options.formData,
  };

  // Created once, as the scaffolder's stepper does: a new map would remount the field.
  const fields = { [field.name]: field.component as any };

  const Harness = () => {
    state.apiHolder = useApiHolder();
    const [formData, setFormData] = useState<JsonObject>(
      options.formData === undefined ? {} : { value: options.formData },
    );
    return (
      <Form
        validator={validator}
        schema={schema}
        uiSchema={uiSchema}
        fields={fields}
        formData={formData}
        onChange={event => {
          state.value = event.formData?.value;
          setFormData(event.formData);
        }}
        EXPERIMENTAL_theme={options.theme}
      >
        {/* No submit button: the stepper has its own. */}
        <></>
      </Form>
    );
  };

  await renderInTestApp(
    <TestApiProvider apis={options.apis}>
      <Harness />
    </TestApiProvider>,
  );

  return {
    /** The field's value as the form holds it now. */
    value: () => state.value,
    /** The field's validation messages for its value now (or for `value`). */
    validate: async (value: JsonValue | undefined = state.value) => {
      const validators = { [field.name]: field.validation! };
      const result = await createAsyncValidators(step, validators, {
        apiHolder: state.apiHolder!,
      })(value === undefined ? {} : { value });
      return (
        (result.value as { __errors?: string[] } | undefined)?.__errors ?? []
      );
    },
  };
}
