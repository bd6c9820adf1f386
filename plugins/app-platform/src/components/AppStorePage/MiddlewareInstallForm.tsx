import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  MiddlewareDefinitionSummary,
  MiddlewareParameters,
  MiddlewarePreview,
} from '@internal/plugin-app-platform-common';
import { Alert, Button, Flex, Text, TextField } from '@backstage/ui';
import { useRef, useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { ApplicationSelect } from './ApplicationSelect';
import { checkInstanceName } from './checkInstanceName';
import { MiddlewareParameterFields } from './MiddlewareParameterFields';
import { MiddlewarePreviewResult } from './MiddlewarePreviewResult';
import {
  ParameterErrors,
  ParameterField,
  ParameterValues,
  parametersFromValues,
} from './parameterForm';

/** What the install form holds; kept by its dialog while the plan is shown. */
export type InstallFormValues = {
  application?: string;
  instance: string;
  parameters: ParameterValues;
};

/** What the user asked to install, checked by the form. */
export type InstallRequest = {
  application: string;
  instance: string;
  parameters: MiddlewareParameters;
};

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; preview: MiddlewarePreview }
  | { status: 'failed'; error: unknown };

type FormErrors = {
  application?: string;
  instance?: string;
  parameters: ParameterErrors;
};

/**
 * One form for both "Preview" (what an install would create, rendered by the
 * backend and applied nowhere) and "Review install plan" (the plan per
 * cluster, then the install): the application, the instance's name and
 * the definition's parameters.
 */
export const MiddlewareInstallForm = (props: {
  definition: MiddlewareDefinitionSummary;
  fields: ParameterField[];
  values: InstallFormValues;
  onChange: (values: InstallFormValues) => void;
  onReview: (request: InstallRequest) => void;
}) => {
  const { definition, fields, values } = props;
  const client = useApi(appPlatformApiRef);
  const [errors, setErrors] = useState<FormErrors>({ parameters: {} });
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  // Only the newest request may show its answer: an older one describes
  // parameters the form no longer has.
  const latestRequest = useRef(0);

  /** A changed field makes the shown preview describe other parameters: it goes. */
  const change = (next: InstallFormValues, cleared: Partial<FormErrors>) => {
    latestRequest.current += 1;
    setState({ status: 'idle' });
    setErrors(e => ({ ...e, ...cleared }));
    props.onChange(next);
  };

  /** The instance and parameters when both can be sent, else undefined with the errors shown. */
  const checked = (needsApplication: boolean) => {
    const instance = values.instance.trim();
    const parameters = parametersFromValues(fields, values.parameters);
    const found: FormErrors = {
      application:
        needsApplication && !values.application
          ? 'Choose the application to install into.'
          : undefined,
      instance: checkInstanceName(instance),
      parameters: parameters.errors,
    };
    setErrors(found);
    const valid =
      !found.application &&
      !found.instance &&
      Object.keys(found.parameters).length === 0;
    return valid ? { instance, parameters: parameters.parameters } : undefined;
  };

  const preview = async () => {
    const request = checked(false);
    if (!request) return;
    const sequence = ++latestRequest.current;
    setState({ status: 'loading' });
    try {
      const answer = await client.previewMiddleware(definition.name, {
        instance: request.instance,
        ...(values.application ? { application: values.application } : {}),
        parameters: request.parameters,
      });
      if (sequence === latestRequest.current) {
        setState({ status: 'done', preview: answer });
      }
    } catch (error) {
      if (sequence === latestRequest.current) {
        setState({ status: 'failed', error });
      }
    }
  };

  const review = () => {
    const request = checked(true);
    if (request && values.application) {
      props.onReview({ ...request, application: values.application });
    }
  };

  return (
    <Flex direction="column" gap="3">
      <Flex gap="3" align="start">
        <ApplicationSelect
          value={values.application}
          error={errors.application}
          onChange={application =>
            change({ ...values, application }, { application: undefined })
          }
        />
        <TextField
          label="Instance name"
          description="Lower-case letters, digits and '-', starting with a letter; at most 40 characters"
          isRequired
          value={values.instance}
          onChange={instance =>
            change({ ...values, instance }, { instance: undefined })
          }
          validate={() => errors.instance}
          validationBehavior="aria"
        />
      </Flex>
      <MiddlewareParameterFields
        fields={fields}
        values={values.parameters}
        errors={errors.parameters}
        onChange={(path, value) =>
          change(
            { ...values, parameters: { ...values.parameters, [path]: value } },
            {
              parameters: Object.fromEntries(
                Object.entries(errors.parameters).filter(([p]) => p !== path),
              ),
            },
          )
        }
        passwordHint={{
          description: 'Generated when empty; never shown again.',
        }}
      />
      <Flex gap="2">
        <Button
          variant="secondary"
          onPress={preview}
          isPending={state.status === 'loading'}
        >
          Preview
        </Button>
        <Button variant="primary" onPress={review}>
          Review install plan
        </Button>
      </Flex>
      {state.status === 'loading' && (
        <>
          <Text>Rendering the manifests…</Text>
          <Progress />
        </>
      )}
      {state.status === 'failed' && (
        <Alert
          status="danger"
          title="The preview was refused"
          description={describeError(state.error)}
        />
      )}
      {state.status === 'done' && (
        <MiddlewarePreviewResult preview={state.preview} />
      )}
    </Flex>
  );
};
