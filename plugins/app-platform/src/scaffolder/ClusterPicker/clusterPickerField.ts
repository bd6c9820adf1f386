import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { ClusterPicker } from './ClusterPicker';
import { ClusterPickerSchema } from './ClusterPickerSchema';
import { validateClusters } from './validateClusters';

/** The ClusterPicker as the scaffolder's form loads it. */
export const clusterPickerField = createFormField({
  name: 'ClusterPicker',
  component: ClusterPicker,
  validation: validateClusters,
  schema: ClusterPickerSchema,
});
