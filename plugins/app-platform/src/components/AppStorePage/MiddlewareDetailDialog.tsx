import { useApi } from '@backstage/frontend-plugin-api';
import {
  MiddlewareDefinitionSummary,
  MiddlewareInstallResult,
} from '@internal/plugin-app-platform-common';
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
import { ReactNode, useMemo, useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { PlanDialog } from '../ServiceDeployments/PlanDialog';
import { categoryLabel } from './categoryLabel';
import {
  InstallFormValues,
  InstallRequest,
  MiddlewareInstallForm,
} from './MiddlewareInstallForm';
import { MiddlewareInstallProgress } from './MiddlewareInstallProgress';
import { MiddlewareParameters } from './MiddlewareParameters';
import { initialValues, parameterFields } from './parameterForm';
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

type Step =
  | { kind: 'details' }
  | { kind: 'plan'; request: InstallRequest }
  | { kind: 'installed'; result: MiddlewareInstallResult };

/**
 * One definition: description, versions, sizes, parameters, and the form
 * that previews an install or installs it into an application through the
 * plan per cluster. The form keeps its values while the plan is shown, so
 * a refused install can be corrected.
 */
export const MiddlewareDetailDialog = (props: {
  definition: MiddlewareDefinitionSummary;
  onClose: () => void;
}) => {
  const { definition } = props;
  const client = useApi(appPlatformApiRef);
  const fields = useMemo(
    () => parameterFields(definition.parametersSchema),
    [definition],
  );
  const [form, setForm] = useState<InstallFormValues>(() => ({
    instance: '',
    parameters: initialValues(fields),
  }));
  const [step, setStep] = useState<Step>({ kind: 'details' });

  if (step.kind === 'plan') {
    const { application, instance, parameters } = step.request;
    return (
      <PlanDialog
        title={`Plan: install ${definition.title} as ${instance} into ${application}`}
        confirmLabel="Install"
        plan={() =>
          client.planMiddleware(application, instance, {
            definition: definition.name,
            parameters,
          })
        }
        confirm={async () => {
          const result = await client.installMiddleware(application, {
            name: instance,
            definition: definition.name,
            parameters,
          });
          setStep({ kind: 'installed', result });
        }}
        // Called after a confirmed install too: then the progress stays.
        onClose={() =>
          setStep(s => (s.kind === 'plan' ? { kind: 'details' } : s))
        }
      />
    );
  }
  if (step.kind === 'installed') {
    return (
      <MiddlewareInstallProgress result={step.result} onClose={props.onClose} />
    );
  }

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
          <Section title="Install">
            <MiddlewareInstallForm
              definition={definition}
              fields={fields}
              values={form}
              onChange={setForm}
              onReview={request => setStep({ kind: 'plan', request })}
            />
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
