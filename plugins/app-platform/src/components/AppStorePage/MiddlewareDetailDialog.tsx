import { MiddlewareDefinitionSummary } from '@internal/plugin-app-platform-common';
import {
  Box,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { ReactNode } from 'react';
import { categoryLabel } from './categoryLabel';
import { MiddlewareParameters } from './MiddlewareParameters';
import { MiddlewarePreviewForm } from './MiddlewarePreviewForm';
import { MiddlewareSizes } from './MiddlewareSizes';
import { MiddlewareVersions } from './MiddlewareVersions';

const Section = (props: { title: string; children: ReactNode }) => (
  <Box as="section" aria-label={props.title}>
    <Text as="h3" variant="title-small" weight="bold">
      {props.title}
    </Text>
    {props.children}
  </Box>
);

/** One definition: description, versions, sizes, parameters and a preview of an install. */
export const MiddlewareDetailDialog = (props: {
  definition: MiddlewareDefinitionSummary;
  onClose: () => void;
}) => {
  const { definition } = props;
  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(960px, 95vw)"
    >
      <DialogHeader>
        <Flex align="center" gap="3">
          <img
            src={definition.icon}
            alt={`${definition.title} icon`}
            width={32}
            height={32}
          />
          {definition.title}
        </Flex>
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          <Flex direction="column" gap="1">
            <Text as="p" variant="body-small" color="secondary">
              {categoryLabel(definition.category)} · {definition.name}
            </Text>
            <Text as="p">{definition.description}</Text>
            <MiddlewareVersions definition={definition} />
          </Flex>
          <Section title="Sizes">
            <MiddlewareSizes sizes={definition.sizes} />
          </Section>
          <Section title="Parameters">
            <MiddlewareParameters schema={definition.parametersSchema} />
          </Section>
          <Section title="What an install would create">
            <MiddlewarePreviewForm definition={definition} />
          </Section>
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={props.onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
