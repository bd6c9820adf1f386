import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  MiddlewareDefinitionSummary,
  MiddlewarePreview,
} from '@internal/plugin-app-platform-common';
import { Alert, Button, Flex, Select, Text, TextField } from '@backstage/ui';
import { useRef, useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { checkInstanceName } from './checkInstanceName';
import { MiddlewarePreviewResult } from './MiddlewarePreviewResult';
import { enumChoices } from './schemaParameters';

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; preview: MiddlewarePreview }
  | { status: 'failed'; error: unknown };

/**
 * "What an install would create": an instance name, a version and a size
 * (the other parameters keep their defaults), rendered by the backend and
 * applied nowhere.
 */
export const MiddlewarePreviewForm = (props: {
  definition: MiddlewareDefinitionSummary;
}) => {
  const { definition } = props;
  const client = useApi(appPlatformApiRef);
  const versions = enumChoices(definition.parametersSchema, 'version');
  const sizes = enumChoices(definition.parametersSchema, 'size');
  const [instance, setInstance] = useState('');
  const [instanceError, setInstanceError] = useState<string>();
  const [version, setVersion] = useState(
    versions.defaultValue ?? definition.defaultVersion,
  );
  const [size, setSize] = useState(sizes.defaultValue ?? sizes.values[0]);
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  // Only the newest request may show its answer: an older one describes
  // parameters the form no longer has.
  const latestRequest = useRef(0);

  /** A changed field makes the shown preview describe other parameters: it goes. */
  const changed = () => {
    latestRequest.current += 1;
    setState({ status: 'idle' });
  };

  const preview = async () => {
    const name = instance.trim();
    const problem = checkInstanceName(name);
    setInstanceError(problem);
    if (problem) return;
    const request = ++latestRequest.current;
    setState({ status: 'loading' });
    try {
      const answer = await client.previewMiddleware(definition.name, {
        instance: name,
        parameters: { version, ...(size ? { size } : {}) },
      });
      if (request === latestRequest.current) {
        setState({ status: 'done', preview: answer });
      }
    } catch (error) {
      if (request === latestRequest.current) {
        setState({ status: 'failed', error });
      }
    }
  };

  return (
    <Flex direction="column" gap="3">
      <Flex gap="3" align="start">
        <TextField
          label="Instance name"
          description="Lower-case letters, digits and '-', starting with a letter; at most 40 characters"
          isRequired
          value={instance}
          onChange={value => {
            setInstance(value);
            setInstanceError(undefined);
            changed();
          }}
          validate={() => instanceError}
          validationBehavior="aria"
        />
        <Select
          label="Version"
          selectedKey={version}
          onSelectionChange={key => {
            if (key === null) return;
            setVersion(String(key));
            changed();
          }}
          options={(versions.values.length
            ? versions.values
            : definition.versions
          ).map(v => ({
            id: v,
            label: v === definition.defaultVersion ? `${v} (default)` : v,
          }))}
        />
        {sizes.values.length > 0 && (
          <Select
            label="Size"
            selectedKey={size}
            onSelectionChange={key => {
              if (key === null) return;
              setSize(String(key));
              changed();
            }}
            options={sizes.values.map(s => ({ id: s, label: s }))}
          />
        )}
      </Flex>
      <Text variant="body-small" color="secondary">
        The other parameters keep their defaults; passwords are generated and
        not shown.
      </Text>
      <Flex>
        <Button
          variant="primary"
          onPress={preview}
          isPending={state.status === 'loading'}
        >
          Preview
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
