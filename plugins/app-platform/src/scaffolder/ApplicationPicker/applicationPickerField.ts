import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { ApplicationPicker } from './ApplicationPicker';
import { ApplicationPickerSchema } from './ApplicationPickerSchema';
import { validateApplication } from './validateApplication';

/** The ApplicationPicker as the scaffolder's form loads it. */
export const applicationPickerField = createFormField({
  name: 'ApplicationPicker',
  component: ApplicationPicker,
  validation: validateApplication,
  schema: ApplicationPickerSchema,
});
