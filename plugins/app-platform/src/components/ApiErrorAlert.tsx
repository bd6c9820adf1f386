import Alert from '@material-ui/lab/Alert';
import { describeError } from '../api/describeError';

/** A failed API call's message in a form or dialog; nothing when all is well. */
export const ApiErrorAlert = ({ error }: { error?: unknown }) =>
  error ? (
    <Alert severity="error" role="alert">
      {describeError(error)}
    </Alert>
  ) : null;
