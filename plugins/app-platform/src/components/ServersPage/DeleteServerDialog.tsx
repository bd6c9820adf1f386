import { useApi } from '@backstage/frontend-plugin-api';
import { Server } from '@internal/plugin-app-platform-common';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { ApiErrorAlert } from '../ApiErrorAlert';

/**
 * Asks before deleting a server recorded by hand; its alerts go with it.
 * The backend decides who may (owners and admins) and says so when not.
 */
export const DeleteServerDialog = (props: {
  server?: Server;
  onClose: () => void;
  onDeleted: () => void;
}) => {
  const { server, onClose, onDeleted } = props;
  const client = useApi(appPlatformApiRef);
  const [{ loading: deleting, error }, remove] = useAsyncFn(async () => {
    if (!server) return;
    await client.deleteServer(server.id);
    onDeleted();
    onClose();
  }, [client, server, onDeleted, onClose]);

  return (
    <Dialog open={server !== undefined} onClose={onClose}>
      <DialogTitle>Delete server {server?.name}?</DialogTitle>
      <DialogContent>
        <ApiErrorAlert error={error} />
        <DialogContentText>
          The record and its expiry alerts are deleted; the machine itself is
          not touched.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={remove}
          disabled={deleting}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
};
