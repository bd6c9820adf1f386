import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * `ui:field: NamespaceTemplatePicker`: the name of a namespace template. No
 * `ui:options`; a `default` in the property's schema wins over the
 * platform's default template.
 */
export const NamespaceTemplatePickerSchema = makeFieldSchema({
  output: z =>
    z
      .string()
      .describe(
        'The name of a namespace template: what a new application namespace gets',
      ),
});

/** The props the scaffolder form gives the NamespaceTemplatePicker. */
export type NamespaceTemplatePickerProps =
  typeof NamespaceTemplatePickerSchema.TProps;
