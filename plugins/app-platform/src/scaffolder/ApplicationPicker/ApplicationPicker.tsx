import { Select } from '@backstage/ui';
import {
  ScaffolderField,
  useScaffolderTheme,
} from '@backstage/plugin-scaffolder-react/alpha';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import MuiTextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import { describeError } from '../../api/describeError';
import { FieldNotice } from '../FieldNotice';
import { ApplicationPickerProps } from './ApplicationPickerSchema';
import {
  applicationLabel,
  useChangeableApplications,
} from './useChangeableApplications';
import { ownerLabel } from './ownerLabel';

const defaultDescription =
  'An application you may change: one your team owns, or any if you are a platform admin.';

/**
 * `ui:field: ApplicationPicker`: one of the applications the user may change,
 * with its title, name and owner; the value is the application's name.
 */
export const ApplicationPicker = (props: ApplicationPickerProps) => {
  const {
    schema: { title = 'Application', description = defaultDescription },
    uiSchema,
    required,
    disabled,
    readonly,
    rawErrors = [],
    errors,
    formData,
    onChange,
    idSchema,
  } = props;
  const theme = useScaffolderTheme();
  const applications = useChangeableApplications();
  const choices = applications.value;
  const isDisabled = Boolean(disabled || readonly || uiSchema['ui:disabled']);
  const chosen = choices?.find(application => application.name === formData);

  // With one possible answer the question answers itself, as in the
  // scaffolder's own pickers.
  useEffect(() => {
    if (required && !formData && choices?.length === 1) {
      onChange(choices[0].name);
    }
  }, [required, formData, choices, onChange]);

  let control;
  if (applications.error) {
    control = (
      <FieldNotice
        status="error"
        title={`${title}: the applications could not be loaded`}
        description={describeError(applications.error)}
        onRetry={applications.retry}
      />
    );
  } else if (!choices) {
    control = (
      <FieldNotice
        status="loading"
        title={`${title}: loading the applications you may change…`}
      />
    );
  } else if (choices.length === 0) {
    control = (
      <FieldNotice
        status="info"
        title={`${title}: you may change no application`}
        description="Create one first (the “Create an application” template), or ask a member of an application's owner group to do this for you."
      />
    );
  } else if (theme === 'bui') {
    control = (
      <Select
        id={idSchema?.$id}
        label={title}
        isRequired={required}
        isDisabled={isDisabled}
        isInvalid={rawErrors.length > 0}
        selectedKey={chosen ? chosen.name : null}
        onSelectionChange={key => {
          if (key !== null) onChange(String(key));
        }}
        options={choices.map(application => ({
          id: application.name,
          label: applicationLabel(application),
          description: `Owner: ${ownerLabel(application.owner)}`,
        }))}
      />
    );
  } else {
    control = (
      <MuiTextField
        id={idSchema?.$id}
        select
        label={title}
        required={required}
        disabled={isDisabled}
        error={rawErrors.length > 0}
        margin="normal"
        value={chosen ? chosen.name : ''}
        onChange={event => onChange(String(event.target.value))}
        SelectProps={{
          renderValue: name => {
            const application = choices.find(a => a.name === name);
            return application ? applicationLabel(application) : String(name);
          },
        }}
      >
        {choices.map(application => (
          <MenuItem key={application.name} value={application.name}>
            <ListItemText
              primary={applicationLabel(application)}
              secondary={`Owner: ${ownerLabel(application.owner)}`}
            />
          </MenuItem>
        ))}
      </MuiTextField>
    );
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema['ui:description'] ?? description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      {control}
      {choices && formData && !chosen ? (
        <FieldNotice
          status="warning"
          title={`“${formData}” is not among the applications you may change`}
          description="Choose one of the list."
        />
      ) : null}
    </ScaffolderField>
  );
};
