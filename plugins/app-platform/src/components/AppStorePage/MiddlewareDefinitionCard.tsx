import { MiddlewareDefinitionSummary } from '@internal/plugin-app-platform-common';
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { categoryLabel } from './categoryLabel';
import { MiddlewareVersions } from './MiddlewareVersions';

/** One definition in the App Store's grid: icon, title, category, versions, description. */
export const MiddlewareDefinitionCard = (props: {
  definition: MiddlewareDefinitionSummary;
  onOpen: () => void;
}) => {
  const { definition } = props;
  return (
    <Card role="listitem" aria-label={definition.title}>
      <CardHeader>
        <Flex align="center" gap="3">
          <img
            src={definition.icon}
            alt={`${definition.title} icon`}
            width={40}
            height={40}
          />
          <Flex direction="column" gap="1">
            <Text as="h3" variant="title-x-small" weight="bold">
              {definition.title}
            </Text>
            <Flex gap="2" align="center">
              <Badge size="small">{categoryLabel(definition.category)}</Badge>
              <Text variant="body-x-small" color="secondary">
                {definition.name}
              </Text>
            </Flex>
          </Flex>
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          <Text as="p" variant="body-medium">
            {definition.description}
          </Text>
          <MiddlewareVersions definition={definition} />
        </Flex>
      </CardBody>
      <CardFooter>
        <Button
          variant="secondary"
          size="small"
          onPress={props.onOpen}
          aria-label={`Details of ${definition.title}`}
        >
          Details
        </Button>
      </CardFooter>
    </Card>
  );
};
