import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * `ui:field: ApplicationPicker`: the name of an application the user may
 * change. No `ui:options`.
 */
export const ApplicationPickerSchema = makeFieldSchema({
  output: z =>
    z
      .string()
      .describe(
        'The name of an application that the user may change (app-platform.application.update)',
      ),
});

/** The props the scaffolder form gives the ApplicationPicker. */
export type ApplicationPickerProps = typeof ApplicationPickerSchema.TProps;
