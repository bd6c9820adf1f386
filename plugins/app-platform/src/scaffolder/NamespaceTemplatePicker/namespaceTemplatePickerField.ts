import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { NamespaceTemplatePicker } from './NamespaceTemplatePicker';
import { NamespaceTemplatePickerSchema } from './NamespaceTemplatePickerSchema';
import { validateNamespaceTemplate } from './validateNamespaceTemplate';

/** The NamespaceTemplatePicker as the scaffolder's form loads it. */
export const namespaceTemplatePickerField = createFormField({
  name: 'NamespaceTemplatePicker',
  component: NamespaceTemplatePicker,
  validation: validateNamespaceTemplate,
  schema: NamespaceTemplatePickerSchema,
});
