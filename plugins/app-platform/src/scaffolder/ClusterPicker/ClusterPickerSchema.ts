import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * `ui:field: ClusterPicker`: the names of healthy clusters; an empty list
 * means every healthy cluster. `ui:options.environment` offers only the
 * clusters of one environment.
 */
export const ClusterPickerSchema = makeFieldSchema({
  output: z =>
    z
      .array(z.string())
      .describe(
        'Names of healthy clusters; an empty list means every healthy cluster',
      ),
  uiOptions: z =>
    z.object({
      environment: z
        .enum(['test', 'production'])
        .optional()
        .describe(
          'Offer only the clusters of this environment. "Every healthy cluster" then becomes the names of the environment\'s healthy clusters, since an empty list would mean every environment.',
        ),
    }),
});

/** The props the scaffolder form gives the ClusterPicker. */
export type ClusterPickerProps = typeof ClusterPickerSchema.TProps;
