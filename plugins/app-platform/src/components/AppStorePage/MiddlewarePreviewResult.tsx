import { CodeSnippet } from '@backstage/core-components';
import { MiddlewarePreview } from '@internal/plugin-app-platform-common';
import { Box, Flex, Text } from '@backstage/ui';
import { MiddlewareEnvList } from './MiddlewareEnvList';

/** What an install would create: its objects, a bound service's env vars, the manifests. */
export const MiddlewarePreviewResult = (props: {
  preview: MiddlewarePreview;
}) => {
  const { objects, env, manifests } = props.preview;
  return (
    <Flex direction="column" gap="3">
      <Box as="section" aria-label="Objects">
        <Text as="h4" variant="title-x-small" weight="bold">
          Objects ({objects.length})
        </Text>
        <ul>
          {objects.map(object => (
            <li key={`${object.kind}/${object.name}`}>
              <code>
                {object.kind}/{object.name}
              </code>
            </li>
          ))}
        </ul>
      </Box>
      <Box as="section" aria-label="Environment of a bound service">
        <Text as="h4" variant="title-x-small" weight="bold">
          Environment of a bound service
        </Text>
        <MiddlewareEnvList env={env} />
      </Box>
      <Box as="section" aria-label="Manifests">
        <Text as="h4" variant="title-x-small" weight="bold">
          Manifests (Secret values redacted)
        </Text>
        <CodeSnippet text={manifests} language="yaml" showCopyCodeButton />
      </Box>
    </Flex>
  );
};
