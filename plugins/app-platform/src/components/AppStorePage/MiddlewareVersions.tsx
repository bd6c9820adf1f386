import { MiddlewareDefinitionSummary } from '@internal/plugin-app-platform-common';
import { Text } from '@backstage/ui';

/** The maintained versions, newest first, the default marked. */
export const MiddlewareVersions = (props: {
  definition: MiddlewareDefinitionSummary;
}) => {
  const { versions, defaultVersion } = props.definition;
  return (
    <Text as="p" variant="body-small" aria-label="Versions">
      Versions:{' '}
      {versions.map((version, index) => (
        <span key={version}>
          {index > 0 && ', '}
          {version === defaultVersion ? (
            <strong>{version} (default)</strong>
          ) : (
            version
          )}
        </span>
      ))}
    </Text>
  );
};
