import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';

/** Checks a NamespaceTemplatePicker value against the platform's templates. */
export const validateNamespaceTemplate: CustomFieldValidator<string> = async (
  value,
  validation,
  { apiHolder },
) => {
  const client = apiHolder.get(appPlatformApiRef);
  if (!client) {
    throw new Error(
      'The App Platform API is missing from the app; the namespace template cannot be checked.',
    );
  }
  let names: string[];
  try {
    names = await client.listNamespaceTemplates();
  } catch (error) {
    validation.addError(
      `The namespace templates could not be checked: ${describeError(error)}`,
    );
    return;
  }
  if (typeof value !== 'string' || value === '') {
    validation.addError(`Choose a namespace template: ${names.join(', ')}.`);
  } else if (!names.includes(value)) {
    validation.addError(
      `“${value}” is not a namespace template; choose one of: ${names.join(
        ', ',
      )}.`,
    );
  }
};
