import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  FormField,
  FormFieldBlueprint,
  FormFieldExtensionData,
} from '@backstage/plugin-scaffolder-react/alpha';
import {
  applicationPickerFormField,
  clusterPickerFormField,
  namespaceTemplatePickerFormField,
} from './scaffolderFieldExtensions';

const { formFieldLoader } = FormFieldBlueprint.dataRefs;

describe('scaffolderFieldExtensions', () => {
  it.each<[string, () => () => Promise<FormField>]>([
    [
      'ApplicationPicker',
      () =>
        createExtensionTester(applicationPickerFormField).get(formFieldLoader),
    ],
    [
      'ClusterPicker',
      () => createExtensionTester(clusterPickerFormField).get(formFieldLoader),
    ],
    [
      'NamespaceTemplatePicker',
      () =>
        createExtensionTester(namespaceTemplatePickerFormField).get(
          formFieldLoader,
        ),
    ],
  ])('loads %s, the name templates give in ui:field', async (name, loader) => {
    // The scaffolder reads what createFormField was given.
    const field = (await loader()()) as unknown as FormFieldExtensionData;
    expect(field.name).toBe(name);
    expect(field.validation).toEqual(expect.any(Function));
    expect(field.schema?.schema.returnValue).toBeDefined();
  });
});
