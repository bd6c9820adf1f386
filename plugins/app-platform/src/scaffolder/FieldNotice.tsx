import { Alert, Button } from '@backstage/ui';
import { useScaffolderTheme } from '@backstage/plugin-scaffolder-react/alpha';
import MuiButton from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import MuiAlert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** What a field says instead of (or next to) its choices. */
export type FieldNoticeProps = {
  status: 'loading' | 'info' | 'warning' | 'error';
  title: string;
  description?: string;
  /** Offered as "Try again" when a load failed. */
  onRetry?: () => void;
};

const buiStatus = {
  loading: 'info',
  info: 'info',
  warning: 'warning',
  error: 'danger',
} as const;

/**
 * A loading, empty or error notice inside a scaffolder field, drawn with the
 * form's own toolkit: Backstage UI when the form renders with it, Material UI
 * (the scaffolder's default) otherwise, so that it matches the fields around it.
 */
export const FieldNotice = (props: FieldNoticeProps) => {
  const theme = useScaffolderTheme();
  // Errors interrupt; loading and empty states are announced politely.
  const role = props.status === 'error' ? 'alert' : 'status';
  if (theme === 'bui') {
    return (
      <Alert
        role={role}
        status={buiStatus[props.status]}
        icon
        isPending={props.status === 'loading'}
        title={props.title}
        description={props.description}
        customActions={
          props.onRetry ? (
            <Button size="small" variant="secondary" onPress={props.onRetry}>
              Try again
            </Button>
          ) : undefined
        }
      />
    );
  }
  return (
    <MuiAlert
      role={role}
      severity={props.status === 'loading' ? 'info' : props.status}
      icon={
        props.status === 'loading' ? (
          <CircularProgress size={20} aria-hidden />
        ) : undefined
      }
      action={
        props.onRetry ? (
          <MuiButton color="inherit" size="small" onClick={props.onRetry}>
            Try again
          </MuiButton>
        ) : undefined
      }
    >
      {props.description ? (
        <>
          <AlertTitle>{props.title}</AlertTitle>
          {props.description}
        </>
      ) : (
        props.title
      )}
    </MuiAlert>
  );
};
