import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/*
 * The blueprint attaches to the scaffolder's form-fields API
 * (`api:scaffolder/form-fields`), whichever plugin provides the extension,
 * so the fields ship with this plugin and need no scaffolder module. Each
 * field's code loads only when the scaffolder loads its form fields.
 */

/** `ui:field: ApplicationPicker`. */
export const applicationPickerFormField = FormFieldBlueprint.make({
  name: 'application-picker',
  params: {
    field: () =>
      import('./ApplicationPicker/applicationPickerField').then(
        m => m.applicationPickerField,
      ),
  },
});

/** `ui:field: ClusterPicker`. */
export const clusterPickerFormField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./ClusterPicker/clusterPickerField').then(
        m => m.clusterPickerField,
      ),
  },
});

/** `ui:field: NamespaceTemplatePicker`. */
export const namespaceTemplatePickerFormField = FormFieldBlueprint.make({
  name: 'namespace-template-picker',
  params: {
    field: () =>
      import('./NamespaceTemplatePicker/namespaceTemplatePickerField').then(
        m => m.namespaceTemplatePickerField,
      ),
  },
});

/** The Software Templates' form fields of the plugin. */
export const scaffolderFieldExtensions = [
  applicationPickerFormField,
  clusterPickerFormField,
  namespaceTemplatePickerFormField,
];
